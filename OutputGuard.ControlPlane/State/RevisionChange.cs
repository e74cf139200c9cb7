using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.State;

/// <summary>The changes of one revision, as the change log holds them.</summary>
/// <param name="Revision">The revision they produce.</param>
/// <param name="Added">Destinations that entered the desired state.</param>
/// <param name="Removed">Destinations that left it.</param>
public sealed record RevisionChange(long Revision, IReadOnlyList<Destination> Added, IReadOnlyList<Destination> Removed)
{
    /// <summary>Destinations that stay in the desired state but whose entries changed (a revision may hold only these).</summary>
    public IReadOnlyList<Destination> Renamed { get; init; } = [];

    /// <summary>The entries of the <see cref="Added"/> and <see cref="Renamed"/> destinations that belong to a domain entry; one absent has none.</summary>
    public IReadOnlyDictionary<Destination, DestinationEntries> Entries { get; init; } = new Dictionary<Destination, DestinationEntries>();
}
