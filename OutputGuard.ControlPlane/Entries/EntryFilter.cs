namespace OutputGuard.ControlPlane.Entries;

/// <summary>What <c>ListEntries</c> keeps; every set condition must hold.</summary>
/// <param name="Kind">Only entries of this kind.</param>
/// <param name="Undeletable">Only entries with this flag.</param>
/// <param name="ValueContains">Only entries whose value contains this text (ordinal, case-insensitive).</param>
/// <param name="Text">Only entries whose value or note contains each of these words.</param>
/// <param name="HasPorts">Only entries with port rules (true) or for every port (false).</param>
public sealed record EntryFilter(
    EntryKind? Kind = null,
    bool? Undeletable = null,
    string? ValueContains = null,
    IReadOnlyList<string>? Text = null,
    bool? HasPorts = null)
{
    /// <summary>Keeps everything.</summary>
    public static EntryFilter All { get; } = new();
}
