namespace OutputGuard.Agent.Route.Reconciling;

/// <summary>What the reconciler did with one route.</summary>
public enum RouteChangeKind
{
    /// <summary>The route was missing and is now installed.</summary>
    Added,

    /// <summary>The agent's route had other next hops and now has the wanted ones.</summary>
    Replaced,

    /// <summary>The agent's route was not wanted any more (or was a duplicate) and is gone.</summary>
    Removed,

    /// <summary>A route of another owner has the same destination and metric: left alone, not installed.</summary>
    LeftForeign,

    /// <summary>The kernel refused the change.</summary>
    Failed,
}
