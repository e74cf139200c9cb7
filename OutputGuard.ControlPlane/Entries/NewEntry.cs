using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>A validated, normalised entry that is not stored yet (the output of <c>EntryValidator</c>).</summary>
/// <param name="Value">Normalised value, as <see cref="Entry.Value"/>.</param>
/// <param name="Kind">What the value is.</param>
/// <param name="Ports">Normalised, sorted, distinct port rules; empty means every port.</param>
/// <param name="Note">Free text.</param>
/// <param name="Undeletable">Whether the entry can never be deleted.</param>
public sealed record NewEntry(string Value, EntryKind Kind, IReadOnlyList<PortRule> Ports, string Note, bool Undeletable)
{
    /// <summary>
    /// The destinations this definition contributes to the desired state by itself: an IP or CIDR entry its prefix
    /// with each port rule (or every port); a domain none (its resolved addresses do, see <see cref="DestinationsAt"/>).
    /// </summary>
    public IReadOnlyList<Destination> Destinations() =>
        Kind is EntryKind.Ip or EntryKind.Cidr ? DestinationsAt([IpPrefix.Parse(Value)]) : [];

    /// <summary>The destinations of <paramref name="prefixes"/> (a domain's resolved addresses) with this definition's ports.</summary>
    public IReadOnlyList<Destination> DestinationsAt(IEnumerable<IpPrefix> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        return prefixes.SelectMany(p => Destination.For(p, Ports)).Distinct().ToList();
    }
}
