using OutputGuard.ControlPlane.State;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>What the change feed hands a gateway session: one revision's changes, or "resynchronise".</summary>
/// <param name="Change">The changes of one revision; null means the session must send a snapshot.</param>
public sealed record FeedItem(RevisionChange? Change)
{
    /// <summary>Tells a session that the change log cannot bring it forward: send a snapshot.</summary>
    public static FeedItem Resync { get; } = new((RevisionChange?)null);
}
