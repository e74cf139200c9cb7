namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>What a scrape exports from one reading, chosen when it was read (a scrape only enumerates it).</summary>
/// <param name="Destinations">The <c>iptables_*</c> series: the busiest destinations and <c>ip="other"</c> per direction.</param>
/// <param name="Entries">The <c>outputguard_entry_*</c> series: the busiest entries and <c>entry="other"</c> per direction.</param>
/// <param name="CountedDestinations">How many destinations (labels) the kernel counted.</param>
public sealed record ExportedSeries(IReadOnlyList<SeriesValue> Destinations, IReadOnlyList<SeriesValue> Entries, int CountedDestinations)
{
    /// <summary>Nothing read yet.</summary>
    public static ExportedSeries Empty { get; } = new([], [], 0);
}
