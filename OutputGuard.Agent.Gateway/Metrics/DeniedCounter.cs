namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>Packets the gateway dropped for one address, protocol and port.</summary>
/// <param name="Ip">The address: the destination a client tried (denied), or the initiator from outside (inbound).</param>
/// <param name="Protocol">The IANA protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 …).</param>
/// <param name="Port">The destination port (TCP, UDP), 0 for other protocols.</param>
/// <param name="Bytes">Bytes dropped.</param>
/// <param name="Packets">Packets dropped.</param>
public readonly record struct DeniedCounter(string Ip, byte Protocol, ushort Port, ulong Bytes, ulong Packets)
{
    /// <summary>The protocol as a metric label: its name for the common ones, else the number.</summary>
    public string ProtocolName => Protocol switch
    {
        6 => "tcp",
        17 => "udp",
        1 => "icmp",
        58 => "ipv6-icmp",
        var other => other.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
