namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>The kernel's counters at one moment.</summary>
/// <param name="Allowed">Per allowed destination and direction (published and learned addresses).</param>
/// <param name="Denied">The denied destinations with the most packets (bounded).</param>
/// <param name="DeniedTotal">How many denied destinations the kernel holds.</param>
/// <param name="Inbound">The connections initiated from outside toward clients with the most packets (bounded).</param>
/// <param name="InboundTotal">How many of those the kernel holds.</param>
public sealed record CounterSnapshot(
    IReadOnlyList<DestinationCounter> Allowed, IReadOnlyList<DeniedCounter> Denied, int DeniedTotal, IReadOnlyList<DeniedCounter> Inbound, int InboundTotal)
{
    /// <summary>No counters.</summary>
    public static CounterSnapshot Empty { get; } = new([], [], 0, [], 0);

    /// <summary>When the kernel was read (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; 0: never).</summary>
    public long ReadAt { get; init; }

    /// <summary>How long the read took, in seconds.</summary>
    public double ReadSeconds { get; init; }

    /// <summary>How many kernel set elements the read returned.</summary>
    public long Elements { get; init; }

    /// <summary>The bounded series the metrics export from this reading.</summary>
    public ExportedSeries Series { get; init; } = ExportedSeries.Empty;
}
