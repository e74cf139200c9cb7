using System.Text.Json;
using Dapper;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>The store's identity, and entries the internal ranges came to cover.</summary>
public abstract partial class SqlControlPlaneStore
{
    /// <inheritdoc />
    public async Task<string> GetStoreIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<string>(Command("SELECT store_id FROM state WHERE id = 1", null, null, cancellationToken))
            ?? throw new InvalidOperationException("The state row has no store id; the store's migrations did not run.");
    }

    /// <inheritdoc />
    public Task<SuppressionChange> ApplyInternalRangesAsync(InternalRanges ranges, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return WriteAsync(
            async w =>
            {
                var rows = await w.Connection.QueryAsync<EntryRow>(w.Command(
                    $"SELECT {EntryColumns} FROM entries WHERE kind = @Ip OR kind = @Cidr ORDER BY id",
                    new { Ip = (int)EntryKind.Ip, Cidr = (int)EntryKind.Cidr }));
                var added = new HashSet<string>(StringComparer.Ordinal);
                var removed = new HashSet<string>(StringComparer.Ordinal);
                var kept = new List<string>();
                var audits = new List<(EntryRow Row, string Action, string Before, string After)>();
                foreach (var row in rows)
                {
                    var prefix = IpPrefix.Parse(row.Value);
                    var want = ranges.TryFindOverlap(prefix, out var range) ? range.Prefix.ToString() : string.Empty;
                    if (want == row.SuppressedBy)
                    {
                        continue;
                    }

                    if (row.SuppressedBy.Length == 0)
                    {
                        // Destinations that only this entry contributes leave the desired state.
                        var only = await w.Connection.QueryAsync<string>(w.Command(
                            "SELECT s.dkey FROM destination_sources s WHERE s.entry_id = @Id AND NOT EXISTS " +
                            "(SELECT 1 FROM destination_sources o WHERE o.dkey = s.dkey AND o.entry_id <> @Id)",
                            new { row.Id }));
                        removed.UnionWith(only);
                        kept.AddRange((await w.Connection.QueryAsync<string>(w.Command(
                            "SELECT dkey FROM destination_sources WHERE entry_id = @Id", new { row.Id }))).Except(only, StringComparer.Ordinal));
                        await w.Connection.ExecuteAsync(w.Command("DELETE FROM destination_sources WHERE entry_id = @Id", new { row.Id }));
                    }
                    else if (want.Length == 0)
                    {
                        var entry = ToEntry(row);
                        foreach (var key in entry.Definition.Destinations().Select(d => d.ToString()))
                        {
                            await w.Connection.ExecuteAsync(w.Command(
                                "INSERT INTO destination_sources (dkey, entry_id) VALUES (@Key, @Id)", new { Key = key, row.Id }));
                            var present = await w.Connection.ExecuteScalarAsync<long>(w.Command(
                                "SELECT COUNT(*) FROM destinations WHERE dkey = @Key", new { Key = key }));
                            if (!removed.Remove(key) && present == 0)
                            {
                                added.Add(key);
                            }
                            else
                            {
                                kept.Add(key);
                            }
                        }
                    }

                    await w.Connection.ExecuteAsync(w.Command(
                        "UPDATE entries SET suppressed_by = @Want WHERE id = @Id", new { Want = want, row.Id }));
                    var action = want.Length == 0 ? "entry.restore" : "entry.suppress";
                    audits.Add((row, action, StateJson(row.Value, row.SuppressedBy), StateJson(row.Value, want)));
                }

                var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
                var renamed = await RenamedAsync(w, EntryKind.Ip, kept);
                var revision = await CommitRevisionAsync(w, [.. added], [.. removed], now, renamed);
                var moved = revision != w.State.Revision;
                foreach (var (row, action, before, after) in audits)
                {
                    await w.Connection.ExecuteAsync(w.Command(InsertAuditSql, new
                    {
                        At = now,
                        Actor = actor,
                        Action = action,
                        EntryId = (long?)row.Id,
                        BeforeJson = before,
                        AfterJson = after,
                        Revision = moved ? revision : 0,
                    }));
                }

                return new SuppressionChange(
                    revision,
                    [.. audits.Where(a => a.Action == "entry.suppress").Select(a => a.Row.Value)],
                    [.. audits.Where(a => a.Action == "entry.restore").Select(a => a.Row.Value)]);
            },
            cancellationToken);
    }

    private static string StateJson(string value, string suppressedBy) => JsonSerializer.Serialize(suppressedBy.Length == 0
        ? new { value, state = "active", suppressedBy = (string?)null }
        : new { value, state = "suppressed_internal", suppressedBy = (string?)suppressedBy });
}
