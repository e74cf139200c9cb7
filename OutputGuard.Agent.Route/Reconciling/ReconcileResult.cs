namespace OutputGuard.Agent.Route.Reconciling;

/// <summary>The outcome of one pass: what changed, and how many wanted routes were already right.</summary>
/// <param name="Changes">Every change, failure and foreign collision, in order.</param>
/// <param name="Unchanged">Wanted routes that were already installed as wanted.</param>
public sealed record ReconcileResult(IReadOnlyList<RouteChange> Changes, int Unchanged)
{
    /// <summary>How many changes of a kind the pass made.</summary>
    public int Count(RouteChangeKind kind) => Changes.Count(c => c.Kind == kind);

    /// <summary>Whether the kernel's routes changed.</summary>
    public bool Changed => Changes.Any(c => c.Kind is RouteChangeKind.Added or RouteChangeKind.Replaced or RouteChangeKind.Removed);
}
