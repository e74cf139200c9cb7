namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>The kernel's counters at one moment.</summary>
/// <param name="Allowed">Per allowed destination and direction.</param>
/// <param name="Denied">The denied destinations with the most packets (bounded).</param>
/// <param name="DeniedTotal">How many denied destinations the kernel holds.</param>
/// <param name="Inbound">The connections initiated from outside toward clients with the most packets (bounded).</param>
/// <param name="InboundTotal">How many of those the kernel holds.</param>
public sealed record CounterSnapshot(
    IReadOnlyList<DestinationCounter> Allowed, IReadOnlyList<DeniedCounter> Denied, int DeniedTotal, IReadOnlyList<DeniedCounter> Inbound, int InboundTotal)
{
    /// <summary>No counters.</summary>
    public static CounterSnapshot Empty { get; } = new([], [], 0, [], 0);
}
