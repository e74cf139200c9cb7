using System.Globalization;
using System.Text;
using Dapper;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>Entries created in bulk: one transaction, at most one revision (BatchCreateEntries, import-legacy).</summary>
public abstract partial class SqlControlPlaneStore
{
    /// <summary>
    /// How many parameters one bulk statement binds. SQLite finds each parameter by name in a list, so its cost grows
    /// with the square of the count: it takes small statements; a server takes large ones (fewer round trips).
    /// </summary>
    protected virtual int ParametersPerStatement => 2000;

    /// <inheritdoc />
    public Task<BatchWriteResult> CreateEntriesAsync(IReadOnlyList<NewEntry> entries, string actor, bool allOrNothing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return WriteAsync(
            async w =>
            {
                // First every item is decided against what is stored and what the batch itself creates before it,
                // so that an all-or-nothing batch writes nothing when one item conflicts. Reads and writes go many
                // rows to a statement: 100,000 entries are a few thousand statements, not half a million.
                var stored = (await SelectInAsync<EntryRow>(w, $"SELECT {EntryColumns} FROM entries WHERE value IN @Values", entries.Select(e => e.Value).Distinct(StringComparer.Ordinal)))
                    .ToDictionary(r => r.Value, ToEntry, StringComparer.Ordinal);
                var decided = new List<(EntryWriteOutcome Outcome, Entry? Found)>(entries.Count);
                var batchValues = new Dictionary<string, NewEntry>(StringComparer.Ordinal);
                foreach (var entry in entries)
                {
                    if (stored.TryGetValue(entry.Value, out var found))
                    {
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
                var toCreate = entries.Where((_, i) => decided[i].Outcome == EntryWriteOutcome.Created).ToList();
                await InsertManyAsync(w, "entries", "value, kind, ports, note, undeletable, created_by, created_at", toCreate.Select(e => new object?[]
                {
                    e.Value, (int)e.Kind, string.Join(',', e.Ports.Select(p => p.ToString())), e.Note ?? string.Empty, e.Undeletable, actor, now,
                }));
                var created = (await SelectInAsync<EntryRow>(w, $"SELECT {EntryColumns} FROM entries WHERE value IN @Values", toCreate.Select(e => e.Value)))
                    .ToDictionary(r => r.Value, ToEntry, StringComparer.Ordinal);

                var keysOf = toCreate.Select(e => e.Destinations().Select(d => d.ToString()).ToList()).ToList();
                await InsertManyAsync(w, "destination_sources", "dkey, entry_id", toCreate.SelectMany((e, i) => keysOf[i].Select(k => new object?[] { k, created[e.Value].Id })));
                var held = (await SelectInAsync<string>(w, "SELECT dkey FROM destinations WHERE dkey IN @Values", keysOf.SelectMany(k => k).Distinct(StringComparer.Ordinal)))
                    .ToHashSet(StringComparer.Ordinal);
                var renamed = await RenamedAsync(w, EntryKind.Ip, held);

                // The destinations new to the state, in the order the entries bring them; an entry's audit row names the
                // revision only when it brought one.
                var added = new List<string>();
                var brought = new bool[toCreate.Count];
                for (var i = 0; i < toCreate.Count; i++)
                {
                    foreach (var key in keysOf[i])
                    {
                        if (held.Add(key))
                        {
                            added.Add(key);
                            brought[i] = true;
                        }
                    }
                }

                var revision = await CommitRevisionAsync(w, added, removed: [], now, renamed);
                await InsertManyAsync(w, "audit", "at, actor, action, entry_id, before_json, after_json, revision", toCreate.Select((e, i) => new object?[]
                {
                    now, actor, "entry.create", created[e.Value].Id, null, EntryAuditJson.Of(created[e.Value]), brought[i] ? revision : 0,
                }));

                var results = new List<EntryWriteResult>(entries.Count);
                for (var i = 0; i < entries.Count; i++)
                {
                    var (outcome, found) = decided[i];
                    var entry = found ?? created.GetValueOrDefault(entries[i].Value);
                    results.Add(new EntryWriteResult(outcome, entry, revision));
                }

                return new BatchWriteResult(results, revision, Written: toCreate.Count > 0);
            },
            cancellationToken);
    }

    /// <summary>Inserts <paramref name="rows"/> (values in the order of <paramref name="columns"/>) into <paramref name="table"/>, many rows to a statement.</summary>
    private async Task InsertManyAsync(WriteScope w, string table, string columns, IEnumerable<object?[]> rows)
    {
        var width = columns.Count(c => c == ',') + 1;
        foreach (var chunk in rows.Chunk(Math.Max(1, ParametersPerStatement / width)))
        {
            var sql = new StringBuilder("INSERT INTO ").Append(table).Append(" (").Append(columns).Append(") VALUES ");
            var parameters = new DynamicParameters();
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < chunk[r].Length; c++)
                {
                    var name = string.Create(CultureInfo.InvariantCulture, $"p{r}_{c}");
                    sql.Append(c == 0 ? "@" : ", @").Append(name);
                    parameters.Add(name, chunk[r][c]);
                }

                sql.Append(')');
            }

            await w.Connection.ExecuteAsync(w.Command(sql.ToString(), parameters));
        }
    }

    /// <summary>Runs <paramref name="sql"/> (which ends in <c>IN @Values</c>) over <paramref name="values"/>, many to a statement.</summary>
    private async Task<List<T>> SelectInAsync<T>(WriteScope w, string sql, IEnumerable<string> values)
    {
        var rows = new List<T>();
        foreach (var chunk in values.Chunk(ParametersPerStatement))
        {
            rows.AddRange(await w.Connection.QueryAsync<T>(w.Command(sql, new { Values = chunk })));
        }

        return rows;
    }

    /// <summary>
    /// Inserts <paramref name="entry"/> and its destination sources; the destinations it brings that neither the
    /// state nor <paramref name="added"/> holds yet are appended to <paramref name="added"/> (Added: whether any were).
    /// </summary>
    private async Task<(Entry Entry, bool Added)> InsertEntryAsync(WriteScope w, NewEntry entry, string actor, long now, List<string> added)
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
            if (!added.Contains(key) && await w.Connection.ExecuteScalarAsync<long>(w.Command(
                "SELECT COUNT(*) FROM destinations WHERE dkey = @Key", new { Key = key })) == 0)
            {
                added.Add(key);
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
