using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>What one answer teaches: the records to keep, the kernel elements to add, and what the caps dropped.</summary>
/// <param name="Records">New or refreshed records.</param>
/// <param name="Elements">The kernel elements, each with its timeout.</param>
/// <param name="New">How many of <paramref name="Records"/> are new.</param>
/// <param name="Dropped">Addresses a cap left out.</param>
public sealed record LearnPlan(IReadOnlyList<LearnedAddress> Records, IReadOnlyList<LearnedElement> Elements, int New, int Dropped)
{
    /// <summary>Nothing to learn.</summary>
    public static LearnPlan Empty { get; } = new([], [], 0, 0);
}
