namespace OutputGuard.ControlPlane.Store;

/// <summary>What re-checking the IP and CIDR entries against the internal ranges changed.</summary>
/// <param name="Revision">The revision after the change (unchanged when no destination moved).</param>
/// <param name="Suppressed">Entries an internal range now covers (left out of the desired state).</param>
/// <param name="Restored">Entries no internal range covers any more (published again).</param>
public sealed record SuppressionChange(long Revision, IReadOnlyList<string> Suppressed, IReadOnlyList<string> Restored);
