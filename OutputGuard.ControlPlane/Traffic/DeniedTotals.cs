namespace OutputGuard.ControlPlane.Traffic;

/// <summary>Attempts a gateway dropped for one destination (summed over gateways in answers).</summary>
/// <param name="Address">The destination address in canonical text.</param>
/// <param name="Protocol">IANA protocol number, 0 when unknown.</param>
/// <param name="Port">Destination port, 0 when none.</param>
/// <param name="Packets">Packets dropped.</param>
/// <param name="Bytes">Bytes dropped.</param>
/// <param name="LastSeen">When last seen.</param>
/// <param name="Gateways">How many gateways saw it (1 in a report).</param>
public sealed record DeniedTotals(string Address, int Protocol, int Port, ulong Packets, ulong Bytes, DateTimeOffset LastSeen, int Gateways);
