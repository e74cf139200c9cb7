using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>Something an operator allowed, as stored.</summary>
/// <param name="Id">Store id; the resource name is <c>entries/{Id}</c>.</param>
/// <param name="Value">Normalised value: a lower-case domain, a host prefix (<c>203.0.113.7/32</c>) or a CIDR.</param>
/// <param name="Kind">What <paramref name="Value"/> is.</param>
/// <param name="Ports">Normalised, sorted, distinct port rules; empty means every port.</param>
/// <param name="Note">Free text.</param>
/// <param name="Undeletable">Set at creation; such an entry can never be deleted.</param>
/// <param name="CreatedBy">Token name of the creator.</param>
/// <param name="CreatedAt">Creation time (UTC).</param>
public sealed record Entry(
    long Id,
    string Value,
    EntryKind Kind,
    IReadOnlyList<PortRule> Ports,
    string Note,
    bool Undeletable,
    string CreatedBy,
    DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The internal range that covers this IP or CIDR entry since the configured internal ranges grew ("10.0.0.0/8"),
    /// or null while the entry is published. A suppressed entry contributes no destination.
    /// </summary>
    public string? SuppressedBy { get; init; }

    /// <summary>The resource name, <c>entries/{Id}</c>.</summary>
    public string Name => FormattableString.Invariant($"entries/{Id}");

    /// <summary>What this entry defines, without its identity: value, kind, ports, note, undeletable.</summary>
    public NewEntry Definition => new(Value, Kind, Ports, Note, Undeletable);

    /// <summary>Whether this entry defines the same allowance as <paramref name="other"/> (value, ports, undeletable).</summary>
    public bool SameDefinitionAs(NewEntry other) =>
        Value == other.Value && Undeletable == other.Undeletable && Ports.SequenceEqual(other.Ports);
}
