using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nftables.NftConstants;

namespace OutputGuard.Netlink.Nftables;

/// <summary>struct nft_data: a value (NFTA_DATA_VALUE) or a verdict (NFTA_DATA_VERDICT).</summary>
internal static class NftData
{
    internal static void WriteValue(NetlinkWriter w, ushort type, ReadOnlySpan<byte> value)
    {
        var n = w.BeginNested(type);
        w.Bytes(NFTA_DATA_VALUE, value);
        w.EndNested(n);
    }

    internal static void WriteVerdict(NetlinkWriter w, ushort type, NftVerdict verdict)
    {
        var n = w.BeginNested(type);
        var v = w.BeginNested(NFTA_DATA_VERDICT);
        w.Be32(NFTA_VERDICT_CODE, unchecked((uint)(int)verdict.Code));
        if (verdict.Chain is not null)
        {
            w.String(NFTA_VERDICT_CHAIN, verdict.Chain);
        }

        w.EndNested(v);
        w.EndNested(n);
    }

    /// <summary>Reads the payload of a nft_data attribute: either a value or a verdict.</summary>
    internal static (byte[]? Value, NftVerdict? Verdict) Read(ReadOnlySpan<byte> data)
    {
        byte[]? value = null;
        NftVerdict? verdict = null;
        var r = new AttributeReader(data);
        while (r.Next(out var type, out var payload))
        {
            if (type == NFTA_DATA_VALUE)
            {
                value = payload.ToArray();
            }
            else if (type == NFTA_DATA_VERDICT)
            {
                int? code = null;
                string? chain = null;
                var vr = new AttributeReader(payload);
                while (vr.Next(out var t, out var p))
                {
                    if (t == NFTA_VERDICT_CODE)
                    {
                        code = unchecked((int)Wire.Be32(p));
                    }
                    else if (t == NFTA_VERDICT_CHAIN)
                    {
                        chain = Wire.String(p);
                    }
                }

                verdict = new NftVerdict((NftVerdictCode)(code ?? throw new NetlinkFormatException("A verdict without a code.")), chain);
            }
        }

        return value is null && verdict is null ? throw new NetlinkFormatException("nft_data without a value or a verdict.") : (value, verdict);
    }

    /// <summary>The value of an nft_data in place (no copy); a verdict, or no value, is a format error.</summary>
    internal static ReadOnlySpan<byte> ValueSpan(ReadOnlySpan<byte> data)
    {
        var r = new AttributeReader(data);
        while (r.Next(out var type, out var payload))
        {
            if (type == NFTA_DATA_VALUE)
            {
                return payload;
            }
        }

        throw new NetlinkFormatException("nft_data holds a verdict where a value was expected.");
    }

    internal static byte[] ReadValue(ReadOnlySpan<byte> data) =>
        Read(data).Value ?? throw new NetlinkFormatException("nft_data holds a verdict where a value was expected.");
}
