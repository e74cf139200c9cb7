using System.Globalization;
using System.Text.Json;
using Dapper;
using MySqlConnector;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Legacy.Import;

/// <summary>
/// Imports the replaced system's <c>crawler_proxies</c> rows into a store: the <see cref="LegacyImportPlan"/> written
/// in one transaction and one revision (<see cref="AllowList.CreateManyAsync"/>, as a batch is), audited as
/// <see cref="Actor"/>. An entry that exists with the same definition is left as it is, so a second import changes
/// nothing; one that exists with another definition (say, not undeletable) is kept and reported. A dry run prints
/// the same report from the same decisions and writes nothing.
/// </summary>
public static class LegacyImporter
{
    /// <summary>The audit actor of an import.</summary>
    public const string Actor = "import-legacy";

    /// <summary>The most rows read from the old table; a larger table is refused before anything is written.</summary>
    public const int MaxRows = 1_000_000;

    /// <summary>Reads every row of <c>crawler_proxies</c> (at most <see cref="MaxRows"/>).</summary>
    /// <exception cref="InvalidOperationException">The table holds more than <see cref="MaxRows"/> rows.</exception>
    public static async Task<IReadOnlyList<LegacyRow>> ReadRowsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<OldRow>(new CommandDefinition(
            "SELECT CAST(id AS SIGNED) AS Id, COALESCE(types, '') AS Types, COALESCE(ip, '') AS Ip, COALESCE(name, '') AS Name, " +
            "CAST(COALESCE(is_no_del, 0) <> 0 AS SIGNED) AS IsNoDel, CAST(COALESCE(is_local_net, 0) <> 0 AS SIGNED) AS IsLocalNet " +
            "FROM crawler_proxies ORDER BY id LIMIT @Limit",
            new { Limit = MaxRows + 1 },
            cancellationToken: cancellationToken)))
            .Select(r => new LegacyRow(r.Id, r.Types, r.Ip, r.Name, r.IsNoDel != 0, r.IsLocalNet != 0))
            .ToList();
        return rows.Count > MaxRows
            ? throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"crawler_proxies holds more than {MaxRows} rows; import it in parts"))
            : rows;
    }

    /// <summary>Imports (or, with <paramref name="dryRun"/>, only reports) <paramref name="plan"/>; the report goes to <paramref name="output"/>.</summary>
    public static async Task<LegacyImportReport> RunAsync(
        LegacyImportPlan plan, IControlPlaneStore store, AllowList allowList, bool dryRun, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(allowList);
        ArgumentNullException.ThrowIfNull(output);
        var before = await store.GetRevisionAsync(cancellationToken);
        var outcomes = new List<EntryWriteOutcome>(plan.Entries.Count);
        var found = new List<Entry?>(plan.Entries.Count);
        foreach (var planned in plan.Entries)
        {
            var existing = await store.FindEntryByValueAsync(planned.Entry.Value, cancellationToken);
            found.Add(existing);
            outcomes.Add(existing is null ? EntryWriteOutcome.Created
                : existing.SameDefinitionAs(planned.Entry) ? EntryWriteOutcome.AlreadyIdentical : EntryWriteOutcome.Conflict);
        }

        var after = before;
        if (dryRun && outcomes.Contains(EntryWriteOutcome.Created))
        {
            // A revision is made when a created IP or CIDR entry brings a destination the state does not hold yet.
            var state = await store.GetDesiredStateAsync(cancellationToken);
            var held = state.Destinations.Select(d => d.ToString()).ToHashSet(StringComparer.Ordinal);
            after = plan.Entries.Where((p, i) => outcomes[i] == EntryWriteOutcome.Created && p.Entry.Kind != EntryKind.Domain)
                .Any(p => !held.Contains(Addressing.IpPrefix.Parse(p.Entry.Value).ToString())) ? before + 1 : before;
        }
        else if (!dryRun && outcomes.Contains(EntryWriteOutcome.Created))
        {
            var written = await allowList.CreateManyAsync(plan.Entries.Select(p => p.Entry).ToList(), Actor, allOrNothing: false, cancellationToken);
            after = written.Revision;
            for (var i = 0; i < outcomes.Count; i++)
            {
                outcomes[i] = written.Items[i].Outcome;
                found[i] = written.Items[i].Outcome == EntryWriteOutcome.Created ? null : written.Items[i].Entry;
            }
        }

        var report = new LegacyImportReport(
            plan.RowsRead,
            outcomes.Count(o => o == EntryWriteOutcome.Created),
            outcomes.Count(o => o == EntryWriteOutcome.AlreadyIdentical),
            outcomes.Count(o => o == EntryWriteOutcome.Conflict),
            plan.Skipped.Count,
            before,
            after,
            dryRun);
        Print(plan, outcomes, found, report, output);
        if (!dryRun && report.Created > 0)
        {
            await store.AppendAuditAsync(Actor, "legacy.import", JsonSerializer.Serialize(new Dictionary<string, long>
            {
                ["rows"] = report.RowsRead,
                ["created"] = report.Created,
                ["unchanged"] = report.Unchanged,
                ["conflicts"] = report.Conflicts,
                ["skipped"] = report.Skipped,
                ["revision"] = report.RevisionAfter,
            }), cancellationToken);
        }

        return report;
    }

    private static void Print(LegacyImportPlan plan, List<EntryWriteOutcome> outcomes, List<Entry?> found, LegacyImportReport report, TextWriter output)
    {
        var verb = report.DryRun ? "would create" : "created";
        for (var i = 0; i < plan.Entries.Count; i++)
        {
            var (entry, rows) = (plan.Entries[i].Entry, plan.Entries[i].RowIds);
            var what = string.Create(CultureInfo.InvariantCulture,
                $"{entry.Kind.ToString().ToLowerInvariant()} {Shown(entry)}{(entry.Undeletable ? " (undeletable)" : string.Empty)}");
            var dropped = entry.Kind == EntryKind.Domain
                ? string.Create(CultureInfo.InvariantCulture, $"; its {rows.Count} address row(s) dropped, the domain is resolved again")
                : string.Empty;
            var line = outcomes[i] switch
            {
                EntryWriteOutcome.Created => $"{verb}: {what}, from row(s) {Ids(rows)}{dropped}",
                EntryWriteOutcome.AlreadyIdentical => $"unchanged: {what}: {found[i]?.Name} already allows it",
                _ => $"conflict: {what}: {found[i]?.Name} allows it with ports [{string.Join(", ", found[i]?.Ports ?? [])}] and undeletable={found[i]?.Undeletable.ToString().ToLowerInvariant()}; kept as it is",
            };
            output.WriteLine(line);
        }

        foreach (var skip in plan.Skipped)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"skipped: row {skip.RowId} '{skip.Value}': {skip.Reason}"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(report.DryRun ? "dry run, nothing written" : "imported")}: {report.RowsRead} row(s) read; {report.Created} entr{(report.Created == 1 ? "y" : "ies")} {verb}, " +
            $"{report.Unchanged} unchanged, {report.Conflicts} conflict(s), {report.Skipped} row(s) skipped; revision {report.RevisionBefore} -> {report.RevisionAfter}"));
    }

    private static string Shown(NewEntry entry) => entry.Kind == EntryKind.Domain ? entry.Value : LegacyAddresses.Text(entry.Value);

    private static string Ids(IReadOnlyList<long> ids) => string.Join(", ", ids.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    /// <summary>A row as read (gorm's columns: unsigned id, tinyint flags).</summary>
    private sealed class OldRow
    {
        public long Id { get; set; }

        public string Types { get; set; } = string.Empty;

        public string Ip { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public long IsNoDel { get; set; }

        public long IsLocalNet { get; set; }
    }
}
