using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// A connection to nf_tables (NETLINK_NETFILTER) in one network namespace. Changes go through a batch
/// (<c>using var batch = nft.BeginBatch(); …; batch.Commit();</c>), which the kernel applies as one atomic
/// transaction; reads are dumps. Like google/nftables' Conn, one connection serialises its calls.
/// </summary>
public sealed class NftConnection : IDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly NetlinkWriter _writer = new();
    private readonly Lock _gate = new();
    private readonly string? _netns;
    private bool? _canDestroy;

    private NftConnection(NetlinkSocket socket, string? netns)
    {
        _socket = socket;
        _netns = netns;
    }

    /// <summary>Opens a connection in the calling thread's namespace.</summary>
    public static NftConnection Open() => new(NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER, null, TypeName), null);

    /// <summary>Opens a connection inside <c>/var/run/netns/<paramref name="netns"/></c>; the process does not move.</summary>
    public static NftConnection OpenIn(string netns) =>
        new(NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER, netns, TypeName), netns);

    /// <summary>
    /// The netlink port id of this connection's socket: the <see cref="NftEvent.PortId"/> of every change it commits.
    /// </summary>
    public uint PortId => _socket.PortId;

    /// <summary>
    /// Subscribes to nf_tables change notifications (NFNLGRP_NFTABLES, what <c>nft monitor</c> reads) in this
    /// connection's namespace, on a socket of its own. The subscription is live when this returns; when the kernel
    /// drops notifications (ENOBUFS) it yields <see cref="NftEvent.Lost"/>. With <paramref name="skipOwnChanges"/>
    /// the table, chain, rule, set and element events of this connection's own commits are dropped as they arrive
    /// (a snapshot of a million elements is a million events); with <paramref name="table"/>, those of every other
    /// table (another program's busy ruleset). Generation events always come.
    /// </summary>
    public NetlinkSubscription<NftEvent> Subscribe(bool skipOwnChanges = false, string? table = null)
    {
        var own = skipOwnChanges ? PortId : (uint?)null;
        return new(
            NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER, _netns, TypeName, [NFNLGRP_NFTABLES]),
            (m, events) =>
            {
                if (own is { } port && m.Pid == port && Nfnl.MessageType(m.Type) != NFT_MSG_NEWGEN)
                {
                    return;
                }

                if (NftEventCodec.ParseEvent(m.Type, m.Pid, m.Payload, table) is { } e)
                {
                    events.Add(e);
                }
            },
            static () => NftEvent.Lost);
    }

    /// <summary>
    /// Whether the kernel takes the destroy commands (a delete that is no error when there is nothing to delete:
    /// Linux 6.3 and later). Asked once, with a batch that destroys a table no one makes: it changes nothing, and an
    /// older kernel refuses the unknown command.
    /// </summary>
    public bool CanDestroy
    {
        get
        {
            if (_canDestroy is { } known)
            {
                return known;
            }

            try
            {
                using var batch = BeginBatch();
                batch.DestroyTable(new NftTable(NftFamily.Inet, "outputguard-destroy-probe"));
                batch.Commit();
                _canDestroy = true;
            }
            catch (NetlinkException ex) when (ex.Errno is Errno.EINVAL or Errno.EOPNOTSUPP)
            {
                _canDestroy = false;
            }

            return _canDestroy.Value;
        }
    }

    /// <summary>Starts a batch; nothing reaches the kernel until <see cref="NftBatch.Commit"/>.</summary>
    public NftBatch BeginBatch() => new(this);

    /// <summary>The ruleset generation id (NFT_MSG_GETGEN); it grows with every committed transaction.</summary>
    public uint GetGenerationId()
    {
        lock (_gate)
        {
            var w = Request(NFT_MSG_GETGEN, Nlmsg.NLM_F_ACK, NftFamily.Unspec);
            uint? id = null;
            _socket.Request(w, m =>
            {
                if (m.Type == MessageType(NFT_MSG_NEWGEN))
                {
                    id = NftCodec.ParseGeneration(m.Payload);
                }
            });
            return id ?? throw new NetlinkFormatException("NFT_MSG_GETGEN brought no generation id.");
        }
    }

    /// <summary>Every table (of one family, or all).</summary>
    public IReadOnlyList<NftTable> ListTables(NftFamily family = NftFamily.Unspec) =>
        Dump(NFT_MSG_GETTABLE, family, null, static (NetlinkMessage m, out NftTable t) =>
        {
            t = NftCodec.ParseTable(m.Payload);
            return true;
        });

    /// <summary>Every chain (of one family and table, or all).</summary>
    public IReadOnlyList<NftChain> ListChains(NftFamily family = NftFamily.Unspec, string? table = null) =>
        Dump(NFT_MSG_GETCHAIN, family, null, static (NetlinkMessage m, out NftChain c) =>
        {
            c = NftCodec.ParseChain(m.Payload);
            return true;
        }).Where(c => table is null || c.Table == table).ToList();

    /// <summary>The rules of a table, or of one chain, with their expressions and handles.</summary>
    public IReadOnlyList<NftRule> ListRules(NftFamily family, string table, string? chain = null) =>
        Dump(
            NFT_MSG_GETRULE,
            family,
            w =>
            {
                w.String(NFTA_RULE_TABLE, table);
                if (chain is not null)
                {
                    w.String(NFTA_RULE_CHAIN, chain);
                }
            },
            static (NetlinkMessage m, out NftRule r) =>
            {
                r = NftCodec.ParseRule(m.Payload);
                return true;
            }).Where(r => r.Table == table && (chain is null || r.Chain == chain)).ToList();

    /// <summary>The sets of a table.</summary>
    public IReadOnlyList<NftSet> ListSets(NftFamily family, string table) =>
        Dump(NFT_MSG_GETSET, family, w => w.String(NFTA_SET_TABLE, table), static (NetlinkMessage m, out NftSet s) =>
        {
            s = NftCodec.ParseSet(m.Payload);
            return true;
        }).Where(s => s.Table == table).ToList();

    /// <summary>
    /// Every element of a set with its counter (bytes, packets) when the set has counters. Interval sets list
    /// both the start elements and the interval-end elements.
    /// </summary>
    public IReadOnlyList<NftSetElement> ListElements(NftSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return ListElements(set.Family, set.Table, set.Name);
    }

    /// <summary>Every element of the named set.</summary>
    /// <remarks>
    /// The kernel resumes an element dump by skipping the elements it already sent; when a hash set is
    /// resized between two parts (the kernel grows it in the background after large inserts) elements can
    /// come twice and others not at all, without NLM_F_DUMP_INTR. A dump that holds a key twice is
    /// therefore treated as interrupted and taken again.
    /// </remarks>
    public IReadOnlyList<NftSetElement> ListElements(NftFamily family, string table, string set)
    {
        for (var attempt = 1; ; attempt++)
        {
            var all = DumpElements(family, table, set);
            if (attempt >= 20 || !HasDuplicateKeys(all))
            {
                return all;
            }

            Thread.Sleep(Math.Min(10 * attempt, 100));
        }
    }

    /// <summary>
    /// Every element of <paramref name="set"/>, handed to <paramref name="visit"/> one at a time as each dump message
    /// arrives, read in place: no record and no key array per element, so a set of a million elements costs no more
    /// memory than one receive buffer (and 8 bytes per element to tell a torn dump, as <see cref="ListElements(NftFamily, string, string)"/>
    /// does). When the dump has to be taken again (the kernel marked it interrupted, the socket overran, or it held a
    /// key twice) <paramref name="restart"/> is called first and every element comes again, so the visitor starts
    /// over. Returns how many elements the complete dump held. The spans of an element are valid only during its visit.
    /// </summary>
    public long ReadElements(NftSet set, NftSetElementVisitor visit, Action restart)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(visit);
        ArgumentNullException.ThrowIfNull(restart);
        var keys = new ElementKeyFingerprints();
        long count = 0;
        NftSetElementVisitor noted = e =>
        {
            keys.Add(e.Key, e.IsIntervalEnd);
            count++;
            visit(e);
        };
        void Restart()
        {
            keys.Clear();
            count = 0;
            restart();
        }

        for (var attempt = 1; ; attempt++)
        {
            if (attempt > 1)
            {
                Restart();
            }

            Dump(
                NFT_MSG_GETSETELEM,
                set.Family,
                w =>
                {
                    w.String(NFTA_SET_ELEM_LIST_TABLE, set.Table);
                    w.String(NFTA_SET_ELEM_LIST_SET, set.Name);
                },
                (NetlinkMessage m, out int n) =>
                {
                    n = NftCodec.VisitElements(m.Payload, noted);
                    return false;
                },
                Restart);
            if (attempt >= 20 || !keys.HasDuplicates())
            {
                return count;
            }

            Thread.Sleep(Math.Min(10 * attempt, 100));
        }
    }

    private List<NftSetElement> DumpElements(NftFamily family, string table, string set)
    {
        var parts = Dump(
            NFT_MSG_GETSETELEM,
            family,
            w =>
            {
                w.String(NFTA_SET_ELEM_LIST_TABLE, table);
                w.String(NFTA_SET_ELEM_LIST_SET, set);
            },
            static (NetlinkMessage m, out List<NftSetElement> list) =>
            {
                list = [];
                NftCodec.ParseElements(m.Payload, list);
                return true;
            });
        var all = new List<NftSetElement>(parts.Sum(p => p.Count));
        foreach (var p in parts)
        {
            all.AddRange(p);
        }

        return all;
    }

    private static UInt128 KeyNumber(byte[] key)
    {
        Span<byte> b = stackalloc byte[16];
        key.AsSpan(0, Math.Min(16, key.Length)).CopyTo(b);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(b);
    }

    private static bool HasDuplicateKeys(List<NftSetElement> elements)
    {
        var seen = new HashSet<(UInt128, int, bool)>(elements.Count);
        foreach (var e in elements)
        {
            if (!seen.Add((KeyNumber(e.Key), e.Key.Length > 16 ? HashCode.Combine(e.Key.Length, Convert.ToHexString(e.Key)) : e.Key.Length, e.IsIntervalEnd)))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    internal NetlinkSocket Socket => _socket;

    internal static string TypeName(ushort type) => NftConstants.TypeName(type);

    private List<T> Dump<T>(byte msg, NftFamily family, Action<NetlinkWriter>? attributes, MessageParser<T> parse, Action? restarting = null)
    {
        lock (_gate)
        {
            var w = Request(msg, Nlmsg.NLM_F_DUMP, family, attributes);
            return _socket.Dump(w, parse, restarting);
        }
    }

    private NetlinkWriter Request(byte msg, ushort flags, NftFamily family, Action<NetlinkWriter>? attributes = null)
    {
        _writer.Reset();
        _writer.BeginMessage(MessageType(msg), (ushort)(Nlmsg.NLM_F_REQUEST | flags), 0);
        _writer.Header(new NfGenMsg((byte)family));
        attributes?.Invoke(_writer);
        _writer.EndMessage(0);
        return _writer;
    }
}
