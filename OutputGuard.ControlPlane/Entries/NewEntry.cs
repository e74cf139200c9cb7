namespace OutputGuard.ControlPlane.Entries;

/// <summary>A validated, normalised entry that is not stored yet (the output of <c>EntryValidator</c>).</summary>
/// <param name="Value">Normalised value, as <see cref="Entry.Value"/>.</param>
/// <param name="Kind">What the value is.</param>
/// <param name="Ports">Normalised, sorted, distinct port rules; empty means every port.</param>
/// <param name="Note">Free text.</param>
/// <param name="Undeletable">Whether the entry can never be deleted.</param>
public sealed record NewEntry(string Value, EntryKind Kind, IReadOnlyList<PortRule> Ports, string Note, bool Undeletable);
