namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>The kernel's counters at one moment.</summary>
/// <param name="Allowed">Per allowed destination and direction.</param>
/// <param name="Denied">The denied destinations with the most packets (bounded).</param>
/// <param name="DeniedTotal">How many denied destinations the kernel holds.</param>
public sealed record CounterSnapshot(IReadOnlyList<DestinationCounter> Allowed, IReadOnlyList<DestinationCounter> Denied, int DeniedTotal)
{
    /// <summary>No counters.</summary>
    public static CounterSnapshot Empty { get; } = new([], [], 0);
}
