using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.State;

/// <summary>The whole desired state at one revision, read in one consistent transaction.</summary>
/// <param name="Revision">The revision.</param>
/// <param name="Destinations">Every destination, sorted.</param>
/// <param name="ChangeLogFloor">The oldest revision from which the change log can bring a gateway up to date.</param>
/// <param name="RevisionTime">When the revision was committed (UTC); the Unix epoch for revision 0.</param>
public sealed record DesiredStateSnapshot(
    long Revision,
    IReadOnlyList<Destination> Destinations,
    long ChangeLogFloor,
    DateTimeOffset RevisionTime)
{
    /// <summary>The entries of every destination that belongs to a domain entry (read in the same transaction); one absent has none.</summary>
    public IReadOnlyDictionary<Destination, DestinationEntries> Entries { get; init; } = new Dictionary<Destination, DestinationEntries>();
}
