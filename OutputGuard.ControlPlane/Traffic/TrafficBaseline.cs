namespace OutputGuard.ControlPlane.Traffic;

/// <summary>One destination's counters in a gateway's report.</summary>
/// <param name="OutputBytes">Client → destination bytes.</param>
/// <param name="OutputPackets">Client → destination packets.</param>
/// <param name="InputBytes">Destination → client bytes.</param>
/// <param name="InputPackets">Destination → client packets.</param>
public readonly record struct TrafficCounters(ulong OutputBytes, ulong OutputPackets, ulong InputBytes, ulong InputPackets)
{
    /// <summary>The counters of a report row.</summary>
    public static TrafficCounters Of(DestinationTotals row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new(row.OutputBytes, row.OutputPackets, row.InputBytes, row.InputPackets);
    }
}

/// <summary>A gateway's stored report: when it arrived and each destination's counters, by destination key.</summary>
/// <param name="ReportedAt">When the report arrived; null when the gateway has none stored.</param>
/// <param name="Counters">The counters by the text form of their <see cref="Addressing.Destination"/>.</param>
public sealed record TrafficBaseline(DateTimeOffset? ReportedAt, IReadOnlyDictionary<string, TrafficCounters> Counters)
{
    /// <summary>No stored report.</summary>
    public static TrafficBaseline None { get; } = new(null, new Dictionary<string, TrafficCounters>());
}
