using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.Traffic;

/// <summary>Bytes and packets counted for one destination, both directions (summed over gateways in answers).</summary>
/// <param name="Destination">The destination as the gateway's kernel element holds it.</param>
/// <param name="OutputBytes">Client → destination bytes.</param>
/// <param name="OutputPackets">Client → destination packets.</param>
/// <param name="InputBytes">Destination → client bytes.</param>
/// <param name="InputPackets">Destination → client packets.</param>
/// <param name="Gateways">How many gateways' reports were summed (1 in a report).</param>
/// <param name="UpdatedAt">The newest report time among them.</param>
public sealed record DestinationTotals(
    Destination Destination,
    ulong OutputBytes,
    ulong OutputPackets,
    ulong InputBytes,
    ulong InputPackets,
    int Gateways,
    DateTimeOffset UpdatedAt);
