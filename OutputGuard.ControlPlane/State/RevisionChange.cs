using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.State;

/// <summary>The changes of one revision, as the change log holds them.</summary>
/// <param name="Revision">The revision they produce.</param>
/// <param name="Added">Destinations that entered the desired state.</param>
/// <param name="Removed">Destinations that left it.</param>
public sealed record RevisionChange(long Revision, IReadOnlyList<Destination> Added, IReadOnlyList<Destination> Removed);
