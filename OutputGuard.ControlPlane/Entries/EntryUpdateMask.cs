using Google.Protobuf.WellKnownTypes;
using OutputGuard.ControlPlane.Api;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// Reads UpdateEntry's field mask (AIP-134): the fields it names are replaced by the request's values; without a
/// mask, the fields the request sets. Only <c>ports</c> and <c>note</c> can change; <c>*</c> means both.
/// </summary>
public static class EntryUpdateMask
{
    private static readonly string[] Mutable = ["ports", "note"];

    private static readonly string[] OutputOnly = ["name", "kind", "create_user", "create_time", "resolved_addresses", "resolution"];

    /// <summary>
    /// The new ports and note the request asks for (null: unchanged), before validation.
    /// <paramref name="current"/> is the stored value, so that a client may send back the entry as it read it.
    /// </summary>
    /// <exception cref="EntryRejectedException">The mask names a field that cannot change, or nothing would change.</exception>
    public static (IReadOnlyList<string>? Ports, string? Note) Read(V1.Entry entry, FieldMask? mask, Entry current)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(current);
        var paths = mask?.Paths.Select(p => p.Trim()).Where(p => p.Length > 0).ToList() ?? [];
        if (paths.Count == 0)
        {
            Unchanged(entry, current);
            paths = [.. entry.Ports.Count > 0 ? ["ports"] : Array.Empty<string>(), .. entry.Note.Length > 0 ? ["note"] : Array.Empty<string>()];
            if (paths.Count == 0)
            {
                throw Invalid("nothing to update: set entry.ports or entry.note, or name the fields in update_mask (ports, note); " +
                    "to clear ports (every port), send \"ports\": [] with update_mask=ports");
            }
        }

        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (path == "*")
            {
                Unchanged(entry, current);
                fields.UnionWith(Mutable);
            }
            else if (Mutable.Contains(path, StringComparer.Ordinal))
            {
                fields.Add(path);
            }
            else
            {
                throw Invalid(Refusal(path));
            }
        }

        return (fields.Contains("ports") ? entry.Ports.ToList() : null, fields.Contains("note") ? entry.Note : null);
    }

    private static string Refusal(string path) => path switch
    {
        "value" => "update_mask: value cannot change (the entry's name stays tied to what it allows); create an entry with the new value and delete this one",
        "undeletable" => "update_mask: undeletable is set at creation only",
        _ when OutputOnly.Contains(path, StringComparer.Ordinal) => $"update_mask: {path} is output only; the fields that can change are ports and note",
        _ => $"update_mask: unknown field '{ErrorStatus.Bound(path, 64)}'; the fields that can change are ports and note",
    };

    // A full entry sent back (a whole-entry replace) may repeat what cannot change, but not change it.
    private static void Unchanged(V1.Entry entry, Entry current)
    {
        var sent = entry.Value.Trim().TrimEnd('.');
        if (sent.Length > 0 && !string.Equals(sent, current.Value, StringComparison.OrdinalIgnoreCase)
            && !string.Equals(sent, current.ToProto().Value, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"entry.value cannot change ('{current.Value}' stays); create an entry with the new value and delete this one");
        }

        if (entry.Undeletable && !current.Undeletable)
        {
            throw Invalid("entry.undeletable is set at creation only");
        }
    }

    private static EntryRejectedException Invalid(string message) => new(RejectionReason.Invalid, message);
}
