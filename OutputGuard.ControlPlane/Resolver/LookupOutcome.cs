namespace OutputGuard.ControlPlane.Resolver;

/// <summary>What a lookup of a domain (through every configured name server) found.</summary>
public enum LookupOutcome
{
    /// <summary>A definite answer: addresses, or none (no data).</summary>
    Answered,

    /// <summary>Every name server said the name does not exist: reported, and removes after the grace period.</summary>
    NxDomain,

    /// <summary>No definite answer (timeout, SERVFAIL, REFUSED, network error, too long a CNAME chain): removes nothing.</summary>
    Failed,
}
