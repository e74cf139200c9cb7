using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Messages;

/// <summary>One received netlink message: its header fields and payload (a view into the receive buffer).</summary>
internal readonly ref struct NetlinkMessage
{
    internal NetlinkMessage(ushort type, ushort flags, uint seq, uint pid, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Flags = flags;
        Seq = seq;
        Pid = pid;
        Payload = payload;
    }

    internal ushort Type { get; }

    internal ushort Flags { get; }

    internal uint Seq { get; }

    internal uint Pid { get; }

    internal ReadOnlySpan<byte> Payload { get; }
}

/// <summary>Splits a datagram into netlink messages, checking every length.</summary>
internal ref struct MessageReader
{
    private ReadOnlySpan<byte> _rest;

    internal MessageReader(ReadOnlySpan<byte> datagram) => _rest = datagram;

    internal bool Next(out NetlinkMessage message)
    {
        if (_rest.IsEmpty)
        {
            message = default;
            return false;
        }

        if (_rest.Length < Nlmsg.HeaderLength)
        {
            throw new NetlinkFormatException($"A truncated netlink header ({_rest.Length} bytes).");
        }

        var header = Wire.Header<NlMsgHdr>(_rest, out _);
        var len = header.Length;
        if (len < Nlmsg.HeaderLength || len > (uint)_rest.Length)
        {
            throw new NetlinkFormatException($"A message length of {len} does not fit the {_rest.Length} bytes received.");
        }

        message = new NetlinkMessage(header.Type, header.Flags, header.Seq, header.Pid, _rest[Nlmsg.HeaderLength..(int)len]);
        _rest = _rest[Math.Min(Nlmsg.Align((int)len), _rest.Length)..];
        return true;
    }
}
