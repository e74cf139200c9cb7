using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>Writes expressions as NFTA_LIST_ELEM entries and reads them back, bounds-checked.</summary>
internal static class NftExpressionCodec
{
    internal static void Write(NetlinkWriter w, ushort type, NftExpression expression, NftEncodeContext context)
    {
        var elem = w.BeginNested(type);
        w.String(NFTA_EXPR_NAME, expression.Name);
        var data = w.BeginNested(NFTA_EXPR_DATA);
        expression.EncodeData(w, context);
        w.EndNested(data);
        w.EndNested(elem);
    }

    internal static void WriteList(NetlinkWriter w, ushort type, IEnumerable<NftExpression> expressions, NftEncodeContext context)
    {
        var list = w.BeginNested(type);
        foreach (var e in expressions)
        {
            Write(w, NFTA_LIST_ELEM, e, context);
        }

        w.EndNested(list);
    }

    /// <summary>Reads a list of NFTA_LIST_ELEM expressions.</summary>
    internal static List<NftExpression> ReadList(ReadOnlySpan<byte> list)
    {
        var result = new List<NftExpression>();
        var r = new AttributeReader(list);
        while (r.Next(out var type, out var elem))
        {
            if (type == NFTA_LIST_ELEM)
            {
                result.Add(Read(elem));
            }
        }

        return result;
    }

    /// <summary>Reads one expression (NFTA_EXPR_NAME + NFTA_EXPR_DATA).</summary>
    internal static NftExpression Read(ReadOnlySpan<byte> expr)
    {
        string? name = null;
        ReadOnlySpan<byte> data = default;
        var r = new AttributeReader(expr);
        while (r.Next(out var type, out var payload))
        {
            if (type == NFTA_EXPR_NAME)
            {
                name = Wire.String(payload);
            }
            else if (type == NFTA_EXPR_DATA)
            {
                data = payload;
            }
        }

        if (name is null)
        {
            throw new NetlinkFormatException("An expression without a name.");
        }

        var a = new Attrs(data);
        return name switch
        {
            "meta" => new NftMeta((NftMetaKey)a.Be32(NftMeta.NFTA_META_KEY), (int)a.Be32(NftMeta.NFTA_META_DREG, 0)),
            "payload" => new NftPayload(
                (NftPayloadBase)a.Be32(NftPayload.NFTA_PAYLOAD_BASE), a.Be32(NftPayload.NFTA_PAYLOAD_OFFSET),
                a.Be32(NftPayload.NFTA_PAYLOAD_LEN), (int)a.Be32(NftPayload.NFTA_PAYLOAD_DREG, 0)),
            "cmp" => new NftCmp((NftCmpOp)a.Be32(NftCmp.NFTA_CMP_OP), a.Value(NftCmp.NFTA_CMP_DATA), (int)a.Be32(NftCmp.NFTA_CMP_SREG)),
            "bitwise" => new NftBitwise(
                a.Value(NftBitwise.NFTA_BITWISE_MASK), a.Value(NftBitwise.NFTA_BITWISE_XOR),
                (int)a.Be32(NftBitwise.NFTA_BITWISE_SREG), (int)a.Be32(NftBitwise.NFTA_BITWISE_DREG)),
            "ct" => new NftCt(
                (NftCtKey)a.Be32(NftCt.NFTA_CT_KEY), (int)a.Be32(NftCt.NFTA_CT_DREG, 0),
                a.Has(NftCt.NFTA_CT_DIRECTION) ? Wire.U8(a.Get(NftCt.NFTA_CT_DIRECTION)) : null),
            "lookup" => new NftLookup(
                a.String(NftLookup.NFTA_LOOKUP_SET), (int)a.Be32(NftLookup.NFTA_LOOKUP_SREG),
                (a.Be32(NftLookup.NFTA_LOOKUP_FLAGS, 0) & 1) != 0),
            "dynset" => new NftDynset(
                a.String(NftDynset.NFTA_DYNSET_SET_NAME), (NftDynsetOp)a.Be32(NftDynset.NFTA_DYNSET_OP),
                (int)a.Be32(NftDynset.NFTA_DYNSET_SREG_KEY),
                a.Has(NftDynset.NFTA_DYNSET_TIMEOUT) && Wire.Be64(a.Get(NftDynset.NFTA_DYNSET_TIMEOUT)) is var t and > 0
                    ? TimeSpan.FromMilliseconds(Math.Min(t, (ulong)TimeSpan.MaxValue.TotalMilliseconds / 2)) : null),
            "counter" => new NftCounter(a.Be64(NftCounter.NFTA_COUNTER_PACKETS), a.Be64(NftCounter.NFTA_COUNTER_BYTES)),
            "immediate" => ReadImmediate(a),
            "masq" => new NftMasq(a.Be32(NftMasq.NFTA_MASQ_FLAGS, 0)),
            "nat" => new NftNat(
                (NftNatType)a.Be32(NftNat.NFTA_NAT_TYPE), (byte)a.Be32(NftNat.NFTA_NAT_FAMILY),
                a.Has(NftNat.NFTA_NAT_REG_ADDR_MIN) ? (int)a.Be32(NftNat.NFTA_NAT_REG_ADDR_MIN) : null,
                a.Has(NftNat.NFTA_NAT_REG_PROTO_MIN) ? (int)a.Be32(NftNat.NFTA_NAT_REG_PROTO_MIN) : null,
                a.Be32(NftNat.NFTA_NAT_FLAGS, 0)),
            "log" => new NftLog
            {
                Group = a.Has(NftLog.NFTA_LOG_GROUP) ? Wire.Be16(a.Get(NftLog.NFTA_LOG_GROUP)) : null,
                Prefix = a.Has(NftLog.NFTA_LOG_PREFIX) ? a.String(NftLog.NFTA_LOG_PREFIX) : null,
                Snaplen = a.Has(NftLog.NFTA_LOG_SNAPLEN) ? a.Be32(NftLog.NFTA_LOG_SNAPLEN) : null,
                QueueThreshold = a.Has(NftLog.NFTA_LOG_QTHRESHOLD) ? Wire.Be16(a.Get(NftLog.NFTA_LOG_QTHRESHOLD)) : null,
            },
            _ => new NftUnknownExpression(name, data.ToArray()),
        };
    }

    private static NftImmediate ReadImmediate(Attrs a)
    {
        var (value, verdict) = NftData.Read(a.Get(NftImmediate.NFTA_IMMEDIATE_DATA));
        return new NftImmediate { Register = (int)a.Be32(NftImmediate.NFTA_IMMEDIATE_DREG), Verdict = verdict, Data = verdict is null ? value : null };
    }

    /// <summary>The attributes of one NFTA_EXPR_DATA, indexed by type (expression attribute types are small).</summary>
    private readonly ref struct Attrs
    {
        private readonly ReadOnlySpan<byte> _data;

        internal Attrs(ReadOnlySpan<byte> data)
        {
            _data = data;
            var r = new AttributeReader(data);
            while (r.Next(out _, out _))
            {
                // Validate the whole run once so later lookups cannot meet a malformed attribute.
            }
        }

        internal bool Has(ushort type) => TryGet(type, out _);

        internal ReadOnlySpan<byte> Get(ushort type) =>
            TryGet(type, out var v) ? v : throw new NetlinkFormatException($"Expression attribute {type} is missing.");

        internal uint Be32(ushort type) => Wire.Be32(Get(type));

        internal uint Be32(ushort type, uint fallback) => TryGet(type, out var v) ? Wire.Be32(v) : fallback;

        internal ulong Be64(ushort type) => TryGet(type, out var v) ? Wire.Be64(v) : 0;

        internal string String(ushort type) => Wire.String(Get(type));

        internal byte[] Value(ushort type) => NftData.ReadValue(Get(type));

        private bool TryGet(ushort type, out ReadOnlySpan<byte> value)
        {
            var r = new AttributeReader(_data);
            while (r.Next(out var t, out var v))
            {
                if (t == type)
                {
                    value = v;
                    return true;
                }
            }

            value = default;
            return false;
        }
    }
}
