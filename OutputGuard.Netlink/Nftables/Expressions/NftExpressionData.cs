using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>
/// The attributes inside one NFTA_EXPR_DATA, looked up by type (an expression has a handful), bounds-checked: the
/// whole run is validated once, so a lookup never meets a malformed attribute. A missing required attribute is a
/// <see cref="NetlinkFormatException"/>.
/// </summary>
internal readonly ref struct NftExpressionData
{
    private readonly ReadOnlySpan<byte> _data;

    internal NftExpressionData(ReadOnlySpan<byte> data)
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

    internal uint? OptionalBe32(ushort type) => TryGet(type, out var v) ? Wire.Be32(v) : null;

    internal ushort? OptionalBe16(ushort type) => TryGet(type, out var v) ? Wire.Be16(v) : null;

    /// <summary>A big-endian 64-bit value, 0 when missing (counters).</summary>
    internal ulong Be64(ushort type) => TryGet(type, out var v) ? Wire.Be64(v) : 0;

    internal string String(ushort type) => Wire.String(Get(type));

    internal string? OptionalString(ushort type) => TryGet(type, out var v) ? Wire.String(v) : null;

    /// <summary>The value of a nested nft_data attribute.</summary>
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
