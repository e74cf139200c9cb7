using Dapper;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>Entries created in bulk: one transaction, at most one revision (BatchCreateEntries, import-legacy).</summary>
public abstract partial class SqlControlPlaneStore
{
    /// <inheritdoc />
    public Task<BatchWriteResult> CreateEntriesAsync(IReadOnlyList<NewEntry> entries, string actor, bool allOrNothing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return WriteAsync(
            async w =>
            {
                // First every item is decided against what is stored and what the batch itself creates before it,
                // so that an all-or-nothing batch writes nothing when one item conflicts.
                var decided = new List<(EntryWriteOutcome Outcome, Entry? Found)>(entries.Count);
                var batchValues = new Dictionary<string, NewEntry>(StringComparer.Ordinal);
                foreach (var entry in entries)
                {
                    var existing = await w.Connection.QuerySingleOrDefaultAsync<EntryRow>(
                        w.Command($"SELECT {EntryColumns} FROM entries WHERE value = @Value", new { entry.Value }));
                    if (existing is not null)
                    {
                        var found = ToEntry(existing);
                        decided.Add((found.SameDefinitionAs(entry) ? EntryWriteOutcome.AlreadyIdentical : EntryWriteOutcome.Conflict, found));
                    }
                    else if (batchValues.TryGetValue(entry.Value, out var earlier))
                    {
                        var same = earlier.Undeletable == entry.Undeletable && earlier.Ports.SequenceEqual(entry.Ports);
                        decided.Add((same ? EntryWriteOutcome.AlreadyIdentical : EntryWriteOutcome.Conflict, null));
                    }
                    else
                    {
                        batchValues[entry.Value] = entry;
                        decided.Add((EntryWriteOutcome.Created, null));
                    }
                }

                if (allOrNothing && decided.Any(d => d.Outcome == EntryWriteOutcome.Conflict))
                {
                    return new BatchWriteResult(
                        decided.Select(d => new EntryWriteResult(d.Outcome, d.Found, w.State.Revision)).ToList(), w.State.Revision, Written: false);
                }

                var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
                var created = new Dictionary<string, Entry>(StringComparer.Ordinal);
                var addedBy = new List<(Entry Entry, bool Added)>();
                var added = new List<string>();
                var addedSet = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < entries.Count; i++)
                {
                    if (decided[i].Outcome != EntryWriteOutcome.Created)
                    {
                        continue;
                    }

                    var (stored, addedHere) = await InsertEntryAsync(w, entries[i], actor, now, added, addedSet);
                    created[entries[i].Value] = stored;
                    addedBy.Add((stored, addedHere));
                }

                var revision = await CommitRevisionAsync(w, added, removed: [], now);
                foreach (var (entry, addedHere) in addedBy)
                {
                    await w.Connection.ExecuteAsync(w.Command(InsertAuditSql, new
                    {
                        At = now,
                        Actor = actor,
                        Action = "entry.create",
                        EntryId = (long?)entry.Id,
                        BeforeJson = (string?)null,
                        AfterJson = EntryAuditJson.Of(entry),
                        Revision = addedHere ? revision : 0,
                    }));
                }

                var results = new List<EntryWriteResult>(entries.Count);
                for (var i = 0; i < entries.Count; i++)
                {
                    var (outcome, found) = decided[i];
                    var entry = found ?? created.GetValueOrDefault(entries[i].Value);
                    results.Add(new EntryWriteResult(outcome, entry, revision));
                }

                return new BatchWriteResult(results, revision, Written: addedBy.Count > 0);
            },
            cancellationToken);
    }

    /// <summary>
    /// Inserts <paramref name="entry"/> and its destination sources; the destinations it brings that neither the
    /// state nor <paramref name="added"/> holds yet are appended to <paramref name="added"/> (Added: whether any were);
    /// <paramref name="addedSet"/>, when given, holds the same keys for a batch's lookups.
    /// </summary>
    private async Task<(Entry Entry, bool Added)> InsertEntryAsync(
        WriteScope w, NewEntry entry, string actor, long now, List<string> added, HashSet<string>? addedSet = null)
    {
        var row = new EntryRow
        {
            Value = entry.Value,
            Kind = (int)entry.Kind,
            Ports = string.Join(',', entry.Ports.Select(p => p.ToString())),
            Note = entry.Note ?? string.Empty,
            Undeletable = entry.Undeletable,
            CreatedBy = actor,
            CreatedAt = now,
        };
        row.Id = await w.Connection.ExecuteScalarAsync<long>(w.Command(InsertEntrySql, row));
        var any = false;
        foreach (var key in entry.Destinations().Select(d => d.ToString()))
        {
            await w.Connection.ExecuteAsync(w.Command(
                "INSERT INTO destination_sources (dkey, entry_id) VALUES (@Key, @EntryId)", new { Key = key, EntryId = row.Id }));
            if (!(addedSet?.Contains(key) ?? added.Contains(key)) && await w.Connection.ExecuteScalarAsync<long>(w.Command(
                "SELECT COUNT(*) FROM destinations WHERE dkey = @Key", new { Key = key })) == 0)
            {
                added.Add(key);
                addedSet?.Add(key);
                any = true;
            }
        }

        return (ToEntry(row), any);
    }

    /// <inheritdoc />
    public async Task<Entry?> FindEntryByValueAsync(string value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EntryRow>(
            Command($"SELECT {EntryColumns} FROM entries WHERE value = @Value", new { Value = value }, null, cancellationToken));
        return row is null ? null : ToEntry(row);
    }
}
