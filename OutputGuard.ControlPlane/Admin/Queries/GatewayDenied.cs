namespace OutputGuard.ControlPlane.Admin.Queries;

/// <summary>A destination one gateway dropped, as it last reported it.</summary>
/// <param name="GatewayId">The gateway.</param>
/// <param name="Address">The destination address.</param>
/// <param name="Protocol">IANA protocol number (6 tcp, 17 udp), 0 when unknown.</param>
/// <param name="Port">Destination port, 0 when none.</param>
/// <param name="Packets">Packets dropped.</param>
/// <param name="Bytes">Bytes dropped.</param>
/// <param name="LastSeen">When last seen.</param>
public sealed record GatewayDenied(string GatewayId, string Address, int Protocol, int Port, long Packets, long Bytes, DateTimeOffset LastSeen)
{
    /// <summary>"tcp", "udp", or the protocol number.</summary>
    public string ProtocolName => Protocol switch
    {
        6 => "tcp",
        17 => "udp",
        1 => "icmp",
        58 => "icmpv6",
        _ => Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The port rule that would allow it ("tcp/443"), or empty when it has no port.</summary>
    public string PortRule => Port > 0 && Protocol is 6 or 17 ? $"{ProtocolName}/{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : string.Empty;
}
