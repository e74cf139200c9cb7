namespace OutputGuard.ControlPlane.Resolver;

/// <summary>How a lookup is applied to an entry's addresses.</summary>
/// <param name="GracePeriod">How long an address that vanished from DNS stays allowed after it was last seen.</param>
/// <param name="MaxAddresses">The most addresses one domain entry may publish; the excess is reported.</param>
/// <param name="Actor">The audit log's actor for a change ("resolver", or the caller of ResolveEntry).</param>
public sealed record ResolutionPolicy(TimeSpan GracePeriod, int MaxAddresses, string Actor);
