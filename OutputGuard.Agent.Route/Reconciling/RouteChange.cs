namespace OutputGuard.Agent.Route.Reconciling;

/// <summary>One change the reconciler made (or failed to make) to the kernel's routes.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Route">The route as the kernel shows it after the change (or before a removal).</param>
/// <param name="Error">Why it failed, for <see cref="RouteChangeKind.Failed"/>; null otherwise.</param>
public sealed record RouteChange(RouteChangeKind Kind, Netlink.Routing.Route Route, string? Error = null);
