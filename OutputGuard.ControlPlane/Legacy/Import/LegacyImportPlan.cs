using System.Globalization;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Legacy.Import;

/// <summary>An entry the import would create, with the rows it comes from.</summary>
/// <param name="Entry">The validated entry.</param>
/// <param name="RowIds">The old rows it replaces (a domain: one per resolved address).</param>
public sealed record PlannedEntry(NewEntry Entry, IReadOnlyList<long> RowIds);

/// <summary>A row the import skips, and why.</summary>
/// <param name="RowId">The old row's id.</param>
/// <param name="Value">Its ip (or name).</param>
/// <param name="Reason">Why it is skipped.</param>
public sealed record SkippedRow(long RowId, string Value, string Reason);

/// <summary>
/// What the old rows become: a domain's rows one domain entry (its per-address rows are dropped: the control plane
/// resolves the domain itself), each IP or CIDR row an entry, <c>is_no_del</c> undeletable (a domain is undeletable
/// when any of its rows is); internal rows (<c>is_local_net</c>, or an address the internal ranges refuse) and rows
/// the validator refuses are skipped with their reason. Repeated rows of one value are one entry.
/// </summary>
public sealed record LegacyImportPlan(IReadOnlyList<PlannedEntry> Entries, IReadOnlyList<SkippedRow> Skipped, int RowsRead)
{
    /// <summary>The note of an imported entry.</summary>
    public static string NoteFor(IReadOnlyList<long> rowIds)
    {
        ArgumentNullException.ThrowIfNull(rowIds);
        var shown = string.Join(", ", rowIds.Take(8).Select(i => i.ToString(CultureInfo.InvariantCulture)));
        return $"imported from crawler_proxies (id {shown}{(rowIds.Count > 8 ? ", …" : string.Empty)})";
    }

    /// <summary>Plans the import of <paramref name="rows"/> with <paramref name="validator"/>.</summary>
    public static LegacyImportPlan From(IReadOnlyList<LegacyRow> rows, EntryValidator validator)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(validator);
        var skipped = new List<SkippedRow>();
        var groups = new Dictionary<string, (List<long> Ids, bool Undeletable, string Text)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var row in rows)
        {
            var isDomain = string.Equals(row.Types, "Domain", StringComparison.OrdinalIgnoreCase);
            var text = (isDomain ? row.Name : row.Ip).Trim();
            if (!isDomain && !string.Equals(row.Types, "IP", StringComparison.OrdinalIgnoreCase))
            {
                skipped.Add(new SkippedRow(row.Id, text, $"types is '{row.Types}', not IP or Domain"));
                continue;
            }

            if (row.IsLocalNet)
            {
                skipped.Add(new SkippedRow(row.Id, isDomain ? $"{text} ({row.Ip})" : text, "internal (is_local_net): internal addresses are never allowed"));
                continue;
            }

            if (!validator.TryValidate(text, [], null, false, out var probe, out var error))
            {
                skipped.Add(new SkippedRow(row.Id, text, error));
                continue;
            }

            if (groups.TryGetValue(probe.Value, out var group))
            {
                group.Ids.Add(row.Id);
                groups[probe.Value] = (group.Ids, group.Undeletable || row.IsNoDel, group.Text);
            }
            else
            {
                groups[probe.Value] = ([row.Id], row.IsNoDel, text);
                order.Add(probe.Value);
            }
        }

        var entries = new List<PlannedEntry>(order.Count);
        foreach (var value in order)
        {
            var (ids, undeletable, text) = groups[value];
            validator.TryValidate(text, [], NoteFor(ids), undeletable, out var entry, out _);
            entries.Add(new PlannedEntry(entry, ids));
        }

        return new LegacyImportPlan(entries, skipped, rows.Count);
    }
}
