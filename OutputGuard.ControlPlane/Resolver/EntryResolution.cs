namespace OutputGuard.ControlPlane.Resolver;

/// <summary>A domain entry's resolved addresses (ordered by address) and lookup status (null before the first lookup).</summary>
/// <param name="Addresses">The addresses in the desired state.</param>
/// <param name="Status">The lookup status, or null.</param>
public sealed record EntryResolution(IReadOnlyList<ResolvedAddress> Addresses, ResolutionStatus? Status)
{
    /// <summary>No addresses, no status.</summary>
    public static EntryResolution None { get; } = new([], null);
}
