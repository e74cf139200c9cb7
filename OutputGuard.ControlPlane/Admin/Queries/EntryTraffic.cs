namespace OutputGuard.ControlPlane.Admin.Queries;

/// <summary>Bytes and packets of an entry (or of one of its destinations), both directions, summed over the gateways.</summary>
/// <param name="EntryId">The entry.</param>
/// <param name="DestinationKey">The destination (Destination's text form) when the row is one destination's, else empty.</param>
/// <param name="OutputBytes">Client → destination bytes.</param>
/// <param name="OutputPackets">Client → destination packets.</param>
/// <param name="InputBytes">Destination → client bytes.</param>
/// <param name="InputPackets">Destination → client packets.</param>
public sealed record EntryTraffic(long EntryId, string DestinationKey, double OutputBytes, double OutputPackets, double InputBytes, double InputPackets)
{
    /// <summary>Both directions' bytes.</summary>
    public double Bytes => OutputBytes + InputBytes;
}
