namespace OutputGuard.ControlPlane.Admin.Queries;

/// <summary>The cumulative counters of one destination (or of all, key "") at one sample time.</summary>
/// <param name="At">Sample time.</param>
/// <param name="DestinationKey">Destination's text form, or "" for the sum over every destination.</param>
/// <param name="OutputBytes">Client → destination bytes so far.</param>
/// <param name="InputBytes">Destination → client bytes so far.</param>
/// <param name="OutputPackets">Client → destination packets so far.</param>
/// <param name="InputPackets">Destination → client packets so far.</param>
public sealed record TrafficSample(DateTimeOffset At, string DestinationKey, double OutputBytes, double InputBytes, double OutputPackets, double InputPackets);
