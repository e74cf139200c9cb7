using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Messages;

/// <summary>
/// Walks a run of netlink attributes (struct nlattr + payload, 4-byte aligned) without allocating.
/// Every length is checked against what is left; a malformed attribute throws
/// <see cref="NetlinkFormatException"/>.
/// </summary>
internal ref struct AttributeReader
{
    private ReadOnlySpan<byte> _rest;

    internal AttributeReader(ReadOnlySpan<byte> attributes) => _rest = attributes;

    /// <summary>Reads the next attribute; false at the end.</summary>
    internal bool Next(out ushort type, out ReadOnlySpan<byte> payload)
    {
        if (_rest.IsEmpty)
        {
            type = 0;
            payload = default;
            return false;
        }

        if (_rest.Length < 4)
        {
            throw new NetlinkFormatException($"A truncated attribute header ({_rest.Length} bytes).");
        }

        var header = Wire.Header<NlAttr>(_rest, out _);
        int len = header.Length;
        if (len < 4 || len > _rest.Length)
        {
            throw new NetlinkFormatException($"An attribute length of {len} does not fit the {_rest.Length} bytes left.");
        }

        type = (ushort)(header.Type & Nlmsg.NLA_TYPE_MASK);
        payload = _rest[4..len];
        var advance = Math.Min(Nlmsg.Align(len), _rest.Length);
        _rest = _rest[advance..];
        return true;
    }
}
