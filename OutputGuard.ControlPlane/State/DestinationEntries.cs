namespace OutputGuard.ControlPlane.State;

/// <summary>
/// The entries a destination of the desired state belongs to, as the gateways' per-entry series name them: the domain
/// entries it is an address of, and whether an IP or CIDR entry of the same value holds it too. A destination of IP and
/// CIDR entries only has none (its entry is its own value), so only domain destinations carry one.
/// </summary>
/// <param name="Domains">The domain entries' names ("api.example.com"), sorted, at least one.</param>
/// <param name="OwnEntry">Whether an IP or CIDR entry holds the same destination.</param>
public sealed record DestinationEntries(IReadOnlyList<string> Domains, bool OwnEntry);
