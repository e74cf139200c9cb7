using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>A validated change of an entry (the output of <see cref="EntryValidator.TryValidatePatch"/>); null leaves a field as it is.</summary>
/// <param name="Ports">The new port rules, normalised (empty: every port), or null.</param>
/// <param name="Note">The new note, or null.</param>
public sealed record EntryPatch(IReadOnlyList<PortRule>? Ports, string? Note)
{
    /// <summary>The entry as this patch leaves it.</summary>
    public Entry ApplyTo(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry with { Ports = Ports ?? entry.Ports, Note = Note ?? entry.Note };
    }
}
