using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables;

/// <summary>Parses nf_tables messages (nfgenmsg + attributes) into the public records, bounds-checked.</summary>
internal static class NftCodec
{
    internal static NftTable ParseTable(ReadOnlySpan<byte> payload)
    {
        var family = Family(payload, out var attributes);
        string? name = null;
        uint flags = 0, use = 0;
        ulong handle = 0;
        byte[]? userData = null;
        var r = new AttributeReader(attributes);
        while (r.Next(out var type, out var v))
        {
            switch (type)
            {
                case NFTA_TABLE_NAME: name = Wire.String(v); break;
                case NFTA_TABLE_USERDATA: userData = v.ToArray(); break;
                case NFTA_TABLE_FLAGS: flags = Wire.Be32(v); break;
                case NFTA_TABLE_USE: use = Wire.Be32(v); break;
                case NFTA_TABLE_HANDLE: handle = Wire.Be64(v); break;
                default: break;
            }
        }

        return new NftTable(family, name ?? throw Missing("table name")) { Flags = flags, Use = use, Handle = handle, UserData = userData };
    }

    internal static NftChain ParseChain(ReadOnlySpan<byte> payload)
    {
        var family = Family(payload, out var attributes);
        string? table = null, name = null, chainType = null;
        NftHook? hook = null;
        var priority = 0;
        NftVerdictCode? policy = null;
        ulong handle = 0;
        var r = new AttributeReader(attributes);
        while (r.Next(out var type, out var v))
        {
            switch (type)
            {
                case NFTA_CHAIN_TABLE: table = Wire.String(v); break;
                case NFTA_CHAIN_NAME: name = Wire.String(v); break;
                case NFTA_CHAIN_TYPE: chainType = Wire.String(v); break;
                case NFTA_CHAIN_HANDLE: handle = Wire.Be64(v); break;
                case NFTA_CHAIN_POLICY: policy = (NftVerdictCode)unchecked((int)Wire.Be32(v)); break;
                case NFTA_CHAIN_HOOK:
                    var h = new AttributeReader(v);
                    while (h.Next(out var ht, out var hv))
                    {
                        if (ht == NFTA_HOOK_HOOKNUM)
                        {
                            hook = (NftHook)Wire.Be32(hv);
                        }
                        else if (ht == NFTA_HOOK_PRIORITY)
                        {
                            priority = unchecked((int)Wire.Be32(hv));
                        }
                    }

                    break;
                default: break;
            }
        }

        return new NftChain
        {
            Family = family,
            Table = table ?? throw Missing("chain table"),
            Name = name ?? throw Missing("chain name"),
            Hook = hook,
            Priority = priority,
            Type = chainType,
            Policy = policy,
            Handle = handle,
        };
    }

    internal static NftRule ParseRule(ReadOnlySpan<byte> payload)
    {
        var family = Family(payload, out var attributes);
        string? table = null, chain = null, comment = null;
        ulong handle = 0;
        List<NftExpression> expressions = [];
        var r = new AttributeReader(attributes);
        while (r.Next(out var type, out var v))
        {
            switch (type)
            {
                case NFTA_RULE_TABLE: table = Wire.String(v); break;
                case NFTA_RULE_CHAIN: chain = Wire.String(v); break;
                case NFTA_RULE_HANDLE: handle = Wire.Be64(v); break;
                case NFTA_RULE_EXPRESSIONS: expressions = NftExpressionCodec.ReadList(v); break;
                case NFTA_RULE_USERDATA:
                    comment = NftUserData.TryReadComment(v, out var c) ? c : throw new NetlinkFormatException("A rule's userdata records overrun it.");
                    break;
                default: break;
            }
        }

        return new NftRule
        {
            Family = family,
            Table = table ?? throw Missing("rule table"),
            Chain = chain ?? throw Missing("rule chain"),
            Handle = handle,
            Expressions = expressions,
            Comment = comment,
        };
    }

    internal static NftSet ParseSet(ReadOnlySpan<byte> payload)
    {
        var family = Family(payload, out var attributes);
        string? table = null, name = null;
        uint flags = 0, keyType = 0, keyLen = 0;
        uint? size = null;
        TimeSpan? timeout = null;
        ulong handle = 0;
        var counters = false;
        var fields = new List<int>();
        var r = new AttributeReader(attributes);
        while (r.Next(out var type, out var v))
        {
            switch (type)
            {
                case NFTA_SET_TABLE: table = Wire.String(v); break;
                case NFTA_SET_NAME: name = Wire.String(v); break;
                case NFTA_SET_FLAGS: flags = Wire.Be32(v); break;
                case NFTA_SET_KEY_TYPE: keyType = Wire.Be32(v); break;
                case NFTA_SET_KEY_LEN: keyLen = Wire.Be32(v); break;
                case NFTA_SET_TIMEOUT: timeout = Wire.Milliseconds(v); break;
                case NFTA_SET_HANDLE: handle = Wire.Be64(v); break;
                case NFTA_SET_EXPR: counters |= NftExpressionCodec.Read(v) is NftCounter; break;
                case NFTA_SET_EXPRESSIONS: counters |= NftExpressionCodec.ReadList(v).Any(e => e is NftCounter); break;
                case NFTA_SET_DESC: ParseDesc(v, ref size, fields); break;
                default: break;
            }
        }

        return new NftSet
        {
            Family = family,
            Table = table ?? throw Missing("set table"),
            Name = name ?? throw Missing("set name"),
            KeyType = NftKeyType.FromKernel(keyType, keyLen, fields),
            Flags = (NftSetFlags)flags & ~(NftSetFlags.Concat | NftSetFlags.Expr),
            Timeout = timeout,
            Size = size,
            Counters = counters,
            Handle = handle,
        };
    }

    /// <summary>Adds the elements of one NFT_MSG_NEWSETELEM message to <paramref name="sink"/>.</summary>
    internal static void ParseElements(ReadOnlySpan<byte> payload, List<NftSetElement> sink) =>
        VisitElements(payload, e => sink.Add(e.ToElement()));

    /// <summary>Hands every element of one NEWSETELEM message to <paramref name="visit"/>, read in place; returns how many.</summary>
    internal static int VisitElements(ReadOnlySpan<byte> payload, NftSetElementVisitor visit)
    {
        Family(payload, out var attributes);
        var count = 0;
        var r = new AttributeReader(attributes);
        while (r.Next(out var type, out var v))
        {
            if (type != NFTA_SET_ELEM_LIST_ELEMENTS)
            {
                continue;
            }

            var list = new AttributeReader(v);
            while (list.Next(out var lt, out var elem))
            {
                if (lt == NFTA_LIST_ELEM)
                {
                    visit(ParseElementView(elem));
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>One element read in place: the spans point into <paramref name="elem"/>.</summary>
    internal static NftSetElementView ParseElementView(ReadOnlySpan<byte> elem)
    {
        ReadOnlySpan<byte> key = default, keyEnd = default;
        bool hasKey = false, hasKeyEnd = false, hasCounter = false;
        uint flags = 0;
        TimeSpan? timeout = null, expires = null;
        ulong packets = 0, bytes = 0;
        var r = new AttributeReader(elem);
        while (r.Next(out var type, out var v))
        {
            switch (type)
            {
                case NFTA_SET_ELEM_KEY: key = NftData.ValueSpan(v); hasKey = true; break;
                case NFTA_SET_ELEM_KEY_END: keyEnd = NftData.ValueSpan(v); hasKeyEnd = true; break;
                case NFTA_SET_ELEM_FLAGS: flags = Wire.Be32(v); break;
                case NFTA_SET_ELEM_TIMEOUT: timeout = Wire.Milliseconds(v); break;
                case NFTA_SET_ELEM_EXPIRATION: expires = Wire.Milliseconds(v); break;
                case NFTA_SET_ELEM_EXPR when !hasCounter: hasCounter = NftExpressionCodec.TryReadCounter(v, out packets, out bytes); break;
                case NFTA_SET_ELEM_EXPRESSIONS when !hasCounter: hasCounter = NftExpressionCodec.TryReadCounterInList(v, out packets, out bytes); break;
                default: break;
            }
        }

        if (!hasKey)
        {
            throw Missing("element key");
        }

        return new NftSetElementView(key, keyEnd, hasKeyEnd, flags, timeout, expires, hasCounter, packets, bytes);
    }

    internal static uint ParseGeneration(ReadOnlySpan<byte> payload)
    {
        Family(payload, out var attributes);
        var r = new AttributeReader(attributes);
        while (r.Next(out var type, out var v))
        {
            if (type == NFTA_GEN_ID)
            {
                return Wire.Be32(v);
            }
        }

        throw Missing("generation id");
    }

    private static void ParseDesc(ReadOnlySpan<byte> desc, ref uint? size, List<int> fields)
    {
        var d = new AttributeReader(desc);
        while (d.Next(out var t, out var v))
        {
            if (t == NFTA_SET_DESC_SIZE)
            {
                size = Wire.Be32(v);
            }
            else if (t == NFTA_SET_DESC_CONCAT)
            {
                var c = new AttributeReader(v);
                while (c.Next(out var ct, out var cv))
                {
                    var f = new AttributeReader(cv);
                    while (ct == NFTA_LIST_ELEM && f.Next(out var ft, out var fv))
                    {
                        if (ft == NFTA_SET_FIELD_LEN)
                        {
                            fields.Add((int)Wire.Be32(fv));
                        }
                    }
                }
            }
        }
    }

    /// <summary>The family of an nf_tables message (its struct nfgenmsg) and the attributes after it.</summary>
    internal static NftFamily Family(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> attributes) =>
        (NftFamily)Wire.Header<NfGenMsg>(payload, out attributes).Family;

    private static NetlinkFormatException Missing(string what) => new($"An nf_tables message without its {what}.");
}
