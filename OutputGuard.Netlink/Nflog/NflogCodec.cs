using System.Net;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Nflog;

/// <summary>Constants of &lt;linux/netfilter/nfnetlink_log.h&gt; and the parser of NFULNL_MSG_PACKET, bounds-checked.</summary>
internal static class NflogCodec
{
    internal const byte NFNL_SUBSYS_ULOG = 4;
    internal const byte NFULNL_MSG_PACKET = 0;
    internal const byte NFULNL_MSG_CONFIG = 1;
    internal const ushort NFULA_CFG_CMD = 1;
    internal const ushort NFULA_CFG_MODE = 2;
    internal const ushort NFULA_CFG_TIMEOUT = 4;
    internal const ushort NFULA_CFG_QTHRESH = 5;
    internal const byte NFULNL_CFG_CMD_BIND = 1;
    internal const byte NFULNL_COPY_PACKET = 2;

    private const ushort NFULA_PACKET_HDR = 1;
    private const ushort NFULA_MARK = 2;
    private const ushort NFULA_TIMESTAMP = 3;
    private const ushort NFULA_IFINDEX_INDEV = 4;
    private const ushort NFULA_IFINDEX_OUTDEV = 5;
    private const ushort NFULA_PAYLOAD = 9;
    private const ushort NFULA_PREFIX = 10;

    internal static ushort MessageType(byte msg) => Nfnl.Type(NFNL_SUBSYS_ULOG, msg);

    internal static string TypeName(ushort type) => Nfnl.MessageType(type) switch
    {
        NFULNL_MSG_PACKET => "NFULNL_MSG_PACKET",
        NFULNL_MSG_CONFIG => "NFULNL_MSG_CONFIG",
        var other => "NFULNL_MSG_" + other.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Parses an NFULNL_MSG_PACKET payload (nfgenmsg + attributes).</summary>
    internal static NflogPacket ParsePacket(ReadOnlySpan<byte> payload)
    {
        var group = Wire.Header<NfGenMsg>(payload, out var attributes).ResourceId;
        string? prefix = null;
        var header = default(NfulnlPacketHeader);
        int indev = 0, outdev = 0;
        uint mark = 0;
        DateTimeOffset? timestamp = null;
        byte[] data = [];
        var r = new AttributeReader(attributes);
        while (r.Next(out var type, out var v))
        {
            switch (type)
            {
                case NFULA_PACKET_HDR: header = NfulnlPacketHeader.Read(v); break;
                case NFULA_MARK: mark = Wire.Be32(v); break;
                case NFULA_IFINDEX_INDEV: indev = (int)Wire.Be32(v); break;
                case NFULA_IFINDEX_OUTDEV: outdev = (int)Wire.Be32(v); break;
                case NFULA_PREFIX: prefix = Wire.String(v); break;
                case NFULA_PAYLOAD: data = v.ToArray(); break;
                case NFULA_TIMESTAMP: timestamp = NfulnlTimestamp.Read(v).ToDateTimeOffset() ?? timestamp; break;
                default: break;
            }
        }

        var packet = new NflogPacket
        {
            Group = group,
            Prefix = prefix,
            Hook = header.Hook,
            HardwareProtocol = header.HardwareProtocol,
            InputInterface = indev,
            OutputInterface = outdev,
            Mark = mark,
            Timestamp = timestamp,
            Payload = data,
        };
        return DecodeHeaders(packet);
    }

    /// <summary>Decodes the IPv4/IPv6 and TCP/UDP headers at the start of the payload, as far as they are present.</summary>
    private static NflogPacket DecodeHeaders(NflogPacket packet)
    {
        var p = packet.Payload;
        if (p.Length < 1)
        {
            return packet;
        }

        int transport;
        byte protocol;
        IPAddress source, destination;
        switch (p[0] >> 4)
        {
            case 4 when p.Length >= 20 && (p[0] & 0xf) >= 5:
                transport = (p[0] & 0xf) * 4;
                protocol = p[9];
                source = new IPAddress(p.AsSpan(12, 4));
                destination = new IPAddress(p.AsSpan(16, 4));
                break;
            case 6 when p.Length >= 40:
                transport = 40;
                protocol = p[6];
                source = new IPAddress(p.AsSpan(8, 16));
                destination = new IPAddress(p.AsSpan(24, 16));
                break;
            default:
                return packet;
        }

        packet = packet with { Source = source, Destination = destination, Protocol = protocol };
        if (protocol is 6 or 17 or 132 && p.Length >= transport + 4)
        {
            var headerLength = protocol switch
            {
                6 when p.Length >= transport + 13 => (p[transport + 12] >> 4) * 4,
                17 => 8,
                132 => 12,
                _ => 0,
            };
            packet = packet with
            {
                SourcePort = Wire.Be16(p.AsSpan(transport)),
                DestinationPort = Wire.Be16(p.AsSpan(transport + 2)),
                TransportPayload = headerLength > 0 && transport + headerLength <= p.Length
                    ? p.AsMemory(transport + headerLength)
                    : ReadOnlyMemory<byte>.Empty,
            };
        }

        return packet;
    }
}
