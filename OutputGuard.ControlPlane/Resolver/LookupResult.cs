namespace OutputGuard.ControlPlane.Resolver;

/// <summary>The union of what the configured name servers answered for one domain.</summary>
/// <param name="Outcome">Answered, NXDOMAIN or failed.</param>
/// <param name="Addresses">Public addresses answered, distinct (smallest TTL kept).</param>
/// <param name="SkippedInternal">Internal addresses answered, never published.</param>
/// <param name="Error">Why the lookup failed or found nothing, or empty.</param>
/// <param name="Partial">Some name servers answered and others failed: addresses are added and refreshed, nothing ages out.</param>
public sealed record LookupResult(
    LookupOutcome Outcome,
    IReadOnlyList<AnsweredAddress> Addresses,
    IReadOnlyList<string> SkippedInternal,
    string Error,
    bool Partial)
{
    /// <summary>A failed lookup with its reason.</summary>
    public static LookupResult Failure(string error) => new(LookupOutcome.Failed, [], [], error, false);

    /// <summary>The smallest TTL answered, or null when no address was answered.</summary>
    public int? MinTtlSeconds => Addresses.Count == 0 ? null : Addresses.Min(a => a.TtlSeconds);
}
