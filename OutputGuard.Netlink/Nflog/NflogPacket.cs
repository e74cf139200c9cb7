using System.Net;

namespace OutputGuard.Netlink.Nflog;

/// <summary>
/// A packet that a <c>log group N</c> rule sent to nfnetlink_log, with its metadata and the start of the
/// packet (from the network header). Addresses, protocol and ports are decoded from that start when present.
/// </summary>
public sealed record NflogPacket
{
    /// <summary>The log group it came from.</summary>
    public required ushort Group { get; init; }

    /// <summary>NFULA_PREFIX, the rule's log prefix.</summary>
    public string? Prefix { get; init; }

    /// <summary>The netfilter hook (NFULA_PACKET_HDR hook: 1 input, 2 forward, 3 output …).</summary>
    public byte Hook { get; init; }

    /// <summary>The link-layer protocol (0x0800 IPv4, 0x86DD IPv6).</summary>
    public ushort HardwareProtocol { get; init; }

    /// <summary>NFULA_IFINDEX_INDEV, or 0.</summary>
    public int InputInterface { get; init; }

    /// <summary>NFULA_IFINDEX_OUTDEV, or 0.</summary>
    public int OutputInterface { get; init; }

    /// <summary>NFULA_MARK.</summary>
    public uint Mark { get; init; }

    /// <summary>NFULA_TIMESTAMP, when the kernel sent one.</summary>
    public DateTimeOffset? Timestamp { get; init; }

    /// <summary>NFULA_PAYLOAD: the first bytes of the packet from its network header.</summary>
    public byte[] Payload { get; init; } = [];

    /// <summary>The source address, when the payload starts with an IPv4 or IPv6 header.</summary>
    public IPAddress? Source { get; init; }

    /// <summary>The destination address.</summary>
    public IPAddress? Destination { get; init; }

    /// <summary>The transport protocol (6 TCP, 17 UDP, 1 ICMP …), or 0.</summary>
    public byte Protocol { get; init; }

    /// <summary>The TCP/UDP/SCTP source port.</summary>
    public ushort? SourcePort { get; init; }

    /// <summary>The TCP/UDP/SCTP destination port.</summary>
    public ushort? DestinationPort { get; init; }

    /// <summary>The transport payload (after the TCP/UDP header) within <see cref="Payload"/>, e.g. a DNS answer.</summary>
    public ReadOnlyMemory<byte> TransportPayload { get; init; }
}
