using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>
/// The envelope of an expression (NFTA_EXPR_NAME + NFTA_EXPR_DATA) and lists of them, bounds-checked. What is inside
/// NFTA_EXPR_DATA each expression type encodes and decodes itself, as google/nftables' expr types do; the kernel's
/// name picks the decoder.
/// </summary>
internal static class NftExpressionCodec
{
    private static readonly Dictionary<string, Decoder> Decoders = new(StringComparer.Ordinal)
    {
        [NftMeta.KernelName] = NftMeta.DecodeData,
        [NftPayload.KernelName] = NftPayload.DecodeData,
        [NftCmp.KernelName] = NftCmp.DecodeData,
        [NftBitwise.KernelName] = NftBitwise.DecodeData,
        [NftCt.KernelName] = NftCt.DecodeData,
        [NftLookup.KernelName] = NftLookup.DecodeData,
        [NftDynset.KernelName] = NftDynset.DecodeData,
        [NftCounter.KernelName] = NftCounter.DecodeData,
        [NftImmediate.KernelName] = NftImmediate.DecodeData,
        [NftMasq.KernelName] = NftMasq.DecodeData,
        [NftNat.KernelName] = NftNat.DecodeData,
        [NftLog.KernelName] = NftLog.DecodeData,
    };

    private delegate NftExpression Decoder(NftExpressionData data);

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

    /// <summary>Reads one expression; a kind this library does not model comes back as <see cref="NftUnknownExpression"/>.</summary>
    internal static NftExpression Read(ReadOnlySpan<byte> expr)
    {
        if (!Envelope(expr, out var nameBytes, out var raw))
        {
            throw new NetlinkFormatException("An expression without a name.");
        }

        var name = Wire.String(nameBytes);
        var data = new NftExpressionData(raw);
        return Decoders.TryGetValue(name, out var decode) ? decode(data) : new NftUnknownExpression(name, raw.ToArray());
    }

    /// <summary>Reads a counter expression, or null for any other; builds no other expression (the hot path of big element dumps).</summary>
    internal static NftCounter? ReadCounter(ReadOnlySpan<byte> expr)
    {
        var named = Envelope(expr, out var name, out var raw);
        var data = new NftExpressionData(raw);
        return named && name.StartsWith("counter\0"u8) ? NftCounter.DecodeData(data) : null;
    }

    /// <summary>Reads a counter expression into numbers; false for any other expression (no allocation).</summary>
    internal static bool TryReadCounter(ReadOnlySpan<byte> expr, out ulong packets, out ulong bytes)
    {
        packets = bytes = 0;
        if (!Envelope(expr, out var name, out var raw) || !name.StartsWith("counter\0"u8))
        {
            return false;
        }

        var data = new NftExpressionData(raw);
        packets = data.Be64(NftCounter.NFTA_COUNTER_PACKETS);
        bytes = data.Be64(NftCounter.NFTA_COUNTER_BYTES);
        return true;
    }

    /// <summary>Reads the first counter of an expression list (NFTA_SET_ELEM_EXPRESSIONS) into numbers; false when it holds none.</summary>
    internal static bool TryReadCounterInList(ReadOnlySpan<byte> list, out ulong packets, out ulong bytes)
    {
        var r = new AttributeReader(list);
        while (r.Next(out var type, out var elem))
        {
            if (type == NFTA_LIST_ELEM && TryReadCounter(elem, out packets, out bytes))
            {
                return true;
            }
        }

        packets = bytes = 0;
        return false;
    }

    /// <summary>The name (raw, NUL-terminated) and the data of an expression; false when it has no name.</summary>
    private static bool Envelope(ReadOnlySpan<byte> expr, out ReadOnlySpan<byte> name, out ReadOnlySpan<byte> data)
    {
        var named = false;
        name = data = default;
        var r = new AttributeReader(expr);
        while (r.Next(out var type, out var payload))
        {
            if (type == NFTA_EXPR_NAME)
            {
                named = true;
                name = payload;
            }
            else if (type == NFTA_EXPR_DATA)
            {
                data = payload;
            }
        }

        return named;
    }
}
