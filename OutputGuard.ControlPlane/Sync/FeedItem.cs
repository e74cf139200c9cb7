using OutputGuard.ControlPlane.State;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>What the change feed hands a gateway session: one revision's changes, or "resynchronise".</summary>
/// <param name="Change">The changes of one revision; null means the session must send a snapshot.</param>
public sealed record FeedItem(RevisionChange? Change)
{
    /// <summary>Tells a session that the change log cannot bring it forward: send a snapshot.</summary>
    public static FeedItem Resync { get; } = new((RevisionChange?)null);

    /// <summary>Tells a session that wants domain rules that the list changed: send it.</summary>
    public static FeedItem DomainRules { get; } = new((RevisionChange?)null) { IsDomainRules = true };

    /// <summary>The delta message of <see cref="Change"/>, built once by the feed and written to every stream as it is.</summary>
    public V1.ControlMessage? Message { get; init; }

    /// <summary>Addresses other gateways learned, to pass on (it carries no revision).</summary>
    public V1.LearnedAddresses? Learned { get; init; }

    /// <summary>Whether this item announces new domain rules (it carries no revision).</summary>
    public bool IsDomainRules { get; init; }
}
