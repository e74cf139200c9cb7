namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>A domain entry as the proxy matches it: its id, its pattern and its port rules (none: every port).</summary>
/// <param name="EntryId">The entry's id at the control plane.</param>
/// <param name="Pattern">Normalised: <c>api.example.com</c> or <c>*.example.com</c>.</param>
/// <param name="Ports">Protocol and inclusive port range per rule; empty: every port.</param>
public sealed record DomainRule(long EntryId, string Pattern, IReadOnlyList<PortSpan> Ports)
{
    /// <summary>Whether the pattern is a wildcard.</summary>
    public bool IsWildcard => DomainPattern.IsWildcard(Pattern);
}
