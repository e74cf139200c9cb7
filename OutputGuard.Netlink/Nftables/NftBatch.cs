using System.Globalization;
using System.Runtime.InteropServices;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Nftables.Expressions;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// Queued nf_tables changes between NFNL_MSG_BATCH_BEGIN and NFNL_MSG_BATCH_END. <see cref="Commit"/> sends
/// them in one datagram, which the kernel applies as one transaction: all or nothing. Elements are split
/// across NFT_MSG_NEWSETELEM messages (an attribute holds at most 64 KiB, about 4,000 IPv4 keys); the
/// send buffer is raised so the whole batch still goes in one send. Disposing without committing discards it.
/// </summary>
public sealed class NftBatch : IDisposable
{
    private const int ElementListLimit = 60_000;

    private readonly NftConnection _connection;
    private readonly NetlinkWriter _writer = new(64 * 1024);
    private readonly Dictionary<uint, (ushort Type, object What)> _requests = [];
    private readonly Dictionary<(NftFamily, string, string), uint> _setIds = [];
    private uint _nextSetId;
    private int _lastMessage = -1;
    private uint _lastSeq;
    private bool _done;

    internal NftBatch(NftConnection connection)
    {
        _connection = connection;
        var begin = _writer.BeginMessage(NFNL_MSG_BATCH_BEGIN, Nlmsg.NLM_F_REQUEST, connection.Socket.NextSeq());
        _writer.Header(new NfGenMsg((byte)NftFamily.Unspec, NFNL_SUBSYS_NFTABLES));
        _writer.EndMessage(begin);
    }

    /// <summary>The number of nf_tables messages queued.</summary>
    public int MessageCount => _requests.Count;

    /// <summary>The bytes queued so far.</summary>
    public int ByteCount => _writer.Length;

    /// <summary>The encoded messages so far (BATCH_BEGIN and the changes; BATCH_END is added on commit).</summary>
    internal ReadOnlySpan<byte> Written => _writer.Written;

    /// <summary>Adds a table (no error when it exists, like <c>nft add table</c>).</summary>
    public void AddTable(NftTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var m = Begin(NFT_MSG_NEWTABLE, Nlmsg.NLM_F_CREATE, table.Family, $"table {table.Name}");
        _writer.String(NFTA_TABLE_NAME, table.Name);
        _writer.Be32(NFTA_TABLE_FLAGS, table.Flags);
        if (table.UserData is { } userData)
        {
            _writer.Bytes(NFTA_TABLE_USERDATA, userData);
        }

        End(m);
    }

    /// <summary>Deletes a table and everything in it.</summary>
    public void DeleteTable(NftTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var m = Begin(NFT_MSG_DELTABLE, 0, table.Family, $"table {table.Name}");
        _writer.String(NFTA_TABLE_NAME, table.Name);
        End(m);
    }

    /// <summary>
    /// Deletes a table when there is one, and is no error when there is none (NFT_MSG_DESTROYTABLE: Linux 6.3 and
    /// later; <see cref="NftConnection.CanDestroy"/>).
    /// </summary>
    public void DestroyTable(NftTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var m = Begin(NFT_MSG_DESTROYTABLE, 0, table.Family, $"destroy table {table.Name}");
        _writer.String(NFTA_TABLE_NAME, table.Name);
        End(m);
    }

    /// <summary>Adds a base or regular chain.</summary>
    public void AddChain(NftChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var m = Begin(NFT_MSG_NEWCHAIN, Nlmsg.NLM_F_CREATE, chain.Family, $"chain {chain.Table} {chain.Name}");
        _writer.String(NFTA_CHAIN_TABLE, chain.Table);
        _writer.String(NFTA_CHAIN_NAME, chain.Name);
        if (chain.Hook is { } hook)
        {
            var h = _writer.BeginNested(NFTA_CHAIN_HOOK);
            _writer.Be32(NFTA_HOOK_HOOKNUM, (uint)hook);
            _writer.Be32(NFTA_HOOK_PRIORITY, unchecked((uint)chain.Priority));
            _writer.EndNested(h);
            _writer.String(NFTA_CHAIN_TYPE, chain.Type ?? "filter");
            _writer.Be32(NFTA_CHAIN_POLICY, unchecked((uint)(int)(chain.Policy ?? NftVerdictCode.Accept)));
        }

        End(m);
    }

    /// <summary>Deletes an (empty, unreferenced) chain.</summary>
    public void DeleteChain(NftChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var m = Begin(NFT_MSG_DELCHAIN, 0, chain.Family, $"chain {chain.Table} {chain.Name}");
        _writer.String(NFTA_CHAIN_TABLE, chain.Table);
        _writer.String(NFTA_CHAIN_NAME, chain.Name);
        End(m);
    }

    /// <summary>Appends a rule to the end of its chain.</summary>
    public void AddRule(NftRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var userData = rule.Comment is { } comment ? NftUserData.RuleComment(comment) : null;
        var m = Begin(NFT_MSG_NEWRULE, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_APPEND, rule.Family, $"rule in {rule.Table} {rule.Chain}");
        _writer.String(NFTA_RULE_TABLE, rule.Table);
        _writer.String(NFTA_RULE_CHAIN, rule.Chain);
        var context = new NftEncodeContext(name => _setIds.TryGetValue((rule.Family, rule.Table, name), out var id) ? id : null);
        NftExpressionCodec.WriteList(_writer, NFTA_RULE_EXPRESSIONS, rule.Expressions, context);
        if (userData is not null)
        {
            _writer.Bytes(NFTA_RULE_USERDATA, userData);
        }

        End(m);
    }

    /// <summary>Deletes every rule of a chain (<c>nft flush chain</c>).</summary>
    public void FlushChain(NftChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var m = Begin(NFT_MSG_DELRULE, 0, chain.Family, $"flush chain {chain.Table} {chain.Name}");
        _writer.String(NFTA_RULE_TABLE, chain.Table);
        _writer.String(NFTA_RULE_CHAIN, chain.Name);
        End(m);
    }

    /// <summary>Deletes a rule by its handle.</summary>
    public void DeleteRule(NftRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var m = Begin(NFT_MSG_DELRULE, 0, rule.Family, $"rule {rule.Handle} in {rule.Table} {rule.Chain}");
        _writer.String(NFTA_RULE_TABLE, rule.Table);
        _writer.String(NFTA_RULE_CHAIN, rule.Chain);
        _writer.Be64(NFTA_RULE_HANDLE, rule.Handle);
        End(m);
    }

    /// <summary>Adds a set.</summary>
    public void AddSet(NftSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var id = ++_nextSetId;
        _setIds[(set.Family, set.Table, set.Name)] = id;
        var m = Begin(NFT_MSG_NEWSET, Nlmsg.NLM_F_CREATE, set.Family, $"set {set.Table} {set.Name}");
        _writer.String(NFTA_SET_TABLE, set.Table);
        _writer.String(NFTA_SET_NAME, set.Name);
        _writer.Be32(NFTA_SET_FLAGS, (uint)set.WireFlags);
        _writer.Be32(NFTA_SET_KEY_TYPE, set.KeyType.Id);
        _writer.Be32(NFTA_SET_KEY_LEN, set.KeyType.Length);
        _writer.Be32(NFTA_SET_ID, id);
        if (set.Timeout is { } timeout)
        {
            _writer.Be64(NFTA_SET_TIMEOUT, (ulong)timeout.TotalMilliseconds);
        }

        if (set.Size is not null || set.KeyType.IsConcat)
        {
            var desc = _writer.BeginNested(NFTA_SET_DESC);
            if (set.Size is { } size)
            {
                _writer.Be32(NFTA_SET_DESC_SIZE, size);
            }

            if (set.KeyType.IsConcat)
            {
                var concat = _writer.BeginNested(NFTA_SET_DESC_CONCAT);
                foreach (var field in set.KeyType.Fields)
                {
                    var f = _writer.BeginNested(NFTA_LIST_ELEM);
                    _writer.Be32(NFTA_SET_FIELD_LEN, (uint)field);
                    _writer.EndNested(f);
                }

                _writer.EndNested(concat);
            }

            _writer.EndNested(desc);
        }

        if (set.Counters)
        {
            NftExpressionCodec.Write(_writer, NFTA_SET_EXPR, new NftCounter(), NftEncodeContext.Empty);
        }

        End(m);
    }

    /// <summary>Deletes a set (it must not be referenced by a rule).</summary>
    public void DeleteSet(NftSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var m = Begin(NFT_MSG_DELSET, 0, set.Family, $"set {set.Table} {set.Name}");
        _writer.String(NFTA_SET_TABLE, set.Table);
        _writer.String(NFTA_SET_NAME, set.Name);
        End(m);
    }

    /// <summary>
    /// Adds elements (thousands at a time are fine). For an interval set pass start and interval-end elements,
    /// e.g. from <see cref="NftSetElement.Interval"/>.
    /// </summary>
    public void AddElements(NftSet set, IEnumerable<NftSetElement> elements) =>
        WriteElements(NFT_MSG_NEWSETELEM, Nlmsg.NLM_F_CREATE, set, elements);

    /// <summary>Deletes elements (for an interval set, both ends of each interval).</summary>
    public void DeleteElements(NftSet set, IEnumerable<NftSetElement> elements) =>
        WriteElements(NFT_MSG_DELSETELEM, 0, set, elements);

    /// <summary>
    /// Adds elements that are keys alone (a hash set's addresses): <paramref name="keys"/> holds them back to back,
    /// each <see cref="NftKeyType.Length"/> bytes of <paramref name="set"/>'s key in network order. They are encoded
    /// straight into the batch, with no object per element; a million IPv4 keys are 16 MB of batch.
    /// </summary>
    public void AddKeys(NftSet set, ReadOnlySpan<byte> keys) => WriteKeys(NFT_MSG_NEWSETELEM, Nlmsg.NLM_F_CREATE, set, keys);

    /// <summary>Deletes elements that are keys alone, laid out as for <see cref="AddKeys"/>.</summary>
    public void DeleteKeys(NftSet set, ReadOnlySpan<byte> keys) => WriteKeys(NFT_MSG_DELSETELEM, 0, set, keys);

    /// <summary>
    /// Deletes the keys the set holds and passes over those it does not, where a delete fails the batch
    /// (NFT_MSG_DESTROYSETELEM: Linux 6.3 and later; <see cref="NftConnection.CanDestroy"/>).
    /// </summary>
    public void DestroyKeys(NftSet set, ReadOnlySpan<byte> keys) => WriteKeys(NFT_MSG_DESTROYSETELEM, 0, set, keys);

    /// <summary>Removes every element of a set (<c>nft flush set</c>).</summary>
    public void FlushSet(NftSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var m = Begin(NFT_MSG_DELSETELEM, 0, set.Family, $"flush set {set.Table} {set.Name}");
        _writer.String(NFTA_SET_ELEM_LIST_TABLE, set.Table);
        _writer.String(NFTA_SET_ELEM_LIST_SET, set.Name);
        End(m);
    }

    /// <summary>
    /// Sends the batch as one transaction and waits for the kernel's answer. Throws
    /// <see cref="Sockets.NetlinkException"/> naming the first failing request; then nothing was applied.
    /// </summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _done = true;
        if (_lastMessage < 0)
        {
            return;
        }

        // Only the last change asks for an ACK: errors are always reported, and the ACK of the last one
        // says the whole transaction was committed.
        _writer.At<NlMsgHdr>(_lastMessage).Flags |= Nlmsg.NLM_F_ACK;
        var end = _writer.BeginMessage(NFNL_MSG_BATCH_END, Nlmsg.NLM_F_REQUEST, _connection.Socket.NextSeq());
        _writer.Header(new NfGenMsg((byte)NftFamily.Unspec, NFNL_SUBSYS_NFTABLES));
        _writer.EndMessage(end);
        _connection.Socket.SendBatch(
            _writer.Written,
            _lastSeq,
            seq => _requests.TryGetValue(seq, out var request) ? Describe(request.Type, request.What) : "NFNL batch");
    }

    /// <summary>Discards an uncommitted batch.</summary>
    public void Dispose() => _done = true;

    private void WriteElements(byte msg, ushort flags, NftSet set, IEnumerable<NftSetElement> elements)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(elements);
        int message = -1, list = -1;
        foreach (var e in elements)
        {
            if (message < 0)
            {
                message = Begin(msg, flags, set.Family, set);
                _writer.String(NFTA_SET_ELEM_LIST_TABLE, set.Table);
                _writer.String(NFTA_SET_ELEM_LIST_SET, set.Name);
                if (_setIds.TryGetValue((set.Family, set.Table, set.Name), out var id))
                {
                    _writer.Be32(NFTA_SET_ELEM_LIST_SET_ID, id);
                }

                list = _writer.BeginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
            }

            WriteElement(e);
            if (_writer.SizeSince(list) > ElementListLimit)
            {
                _writer.EndNested(list);
                End(message);
                message = -1;
            }
        }

        // No elements, no message at all.
        if (message >= 0)
        {
            _writer.EndNested(list);
            End(message);
        }
    }

    private void WriteKeys(byte msg, ushort flags, NftSet set, ReadOnlySpan<byte> keys)
    {
        ArgumentNullException.ThrowIfNull(set);
        var keyLength = (int)set.KeyType.Length;
        if (keyLength == 0 || keys.Length % keyLength != 0)
        {
            throw new ArgumentException($"{keys.Length} bytes are not whole {keyLength}-byte keys of set {set.Name}.", nameof(keys));
        }

        // NFTA_LIST_ELEM { NFTA_SET_ELEM_KEY { NFTA_DATA_VALUE key } }: three attribute headers and the padded key.
        var padded = Nlmsg.Align(keyLength);
        var elementBytes = 12 + padded;
        var count = keys.Length / keyLength;
        var perMessage = Math.Max(1, ElementListLimit / elementBytes);
        var messages = (count + perMessage - 1) / perMessage;
        _writer.EnsureCapacity((count * elementBytes) + (messages * 128));
        for (var done = 0; done < count; done += perMessage)
        {
            var n = Math.Min(perMessage, count - done);
            var message = Begin(msg, flags, set.Family, set);
            _writer.String(NFTA_SET_ELEM_LIST_TABLE, set.Table);
            _writer.String(NFTA_SET_ELEM_LIST_SET, set.Name);
            if (_setIds.TryGetValue((set.Family, set.Table, set.Name), out var id))
            {
                _writer.Be32(NFTA_SET_ELEM_LIST_SET_ID, id);
            }

            var list = _writer.BeginNested(NFTA_SET_ELEM_LIST_ELEMENTS);
            var span = _writer.Reserve(n * elementBytes);
            span.Clear();
            var elementHeader = new NlAttr { Length = (ushort)elementBytes, Type = NFTA_LIST_ELEM | Nlmsg.NLA_F_NESTED };
            var keyHeader = new NlAttr { Length = (ushort)(elementBytes - 4), Type = NFTA_SET_ELEM_KEY | Nlmsg.NLA_F_NESTED };
            var valueHeader = new NlAttr { Length = (ushort)(4 + keyLength), Type = NFTA_DATA_VALUE };
            for (var i = 0; i < n; i++)
            {
                var e = span.Slice(i * elementBytes, elementBytes);
                MemoryMarshal.Write(e, in elementHeader);
                MemoryMarshal.Write(e[4..], in keyHeader);
                MemoryMarshal.Write(e[8..], in valueHeader);
                keys.Slice((done + i) * keyLength, keyLength).CopyTo(e[12..]);
            }

            _writer.EndNested(list);
            End(message);
        }
    }

    private void WriteElement(NftSetElement e)
    {
        var elem = _writer.BeginNested(NFTA_LIST_ELEM);
        NftData.WriteValue(_writer, NFTA_SET_ELEM_KEY, e.Key);
        if (e.KeyEnd is { } keyEnd)
        {
            NftData.WriteValue(_writer, NFTA_SET_ELEM_KEY_END, keyEnd);
        }

        if (e.IsIntervalEnd)
        {
            _writer.Be32(NFTA_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
        }

        if (e.Timeout is { } timeout)
        {
            _writer.Be64(NFTA_SET_ELEM_TIMEOUT, (ulong)timeout.TotalMilliseconds);
        }

        _writer.EndNested(elem);
    }

    /// <summary>What a request was, for the error that names it (made only when the kernel refuses one).</summary>
    private static string Describe(ushort type, object what) =>
        string.Create(CultureInfo.InvariantCulture, $"{NftConstants.TypeName(type)} ({(what is NftSet set ? $"elements of {set.Table} {set.Name}" : what)})");

    private int Begin(byte msg, ushort flags, NftFamily family, object what)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        var seq = _connection.Socket.NextSeq();
        var start = _writer.BeginMessage(MessageType(msg), (ushort)(Nlmsg.NLM_F_REQUEST | flags), seq);
        _writer.Header(new NfGenMsg((byte)family));
        _requests[seq] = (MessageType(msg), what);
        _lastMessage = start;
        _lastSeq = seq;
        return start;
    }

    private void End(int start) => _writer.EndMessage(start);
}
