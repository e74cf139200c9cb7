using System.Globalization;
using System.Text;
using Dapper;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>Entries: create and delete with their destinations, change-log and audit rows; reads.</summary>
public abstract partial class SqlControlPlaneStore
{
    private const string EntryColumns =
        "id AS Id, value AS Value, kind AS Kind, ports AS Ports, note AS Note, undeletable AS Undeletable, " +
        "created_by AS CreatedBy, created_at AS CreatedAt, suppressed_by AS SuppressedBy";

    private const string InsertAuditSql =
        "INSERT INTO audit (at, actor, action, entry_id, before_json, after_json, revision) " +
        "VALUES (@At, @Actor, @Action, @EntryId, @BeforeJson, @AfterJson, @Revision)";

    /// <inheritdoc />
    public Task<EntryWriteResult> CreateEntryAsync(NewEntry entry, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return WriteAsync(
            async w =>
            {
                var existing = await w.Connection.QuerySingleOrDefaultAsync<EntryRow>(
                    w.Command($"SELECT {EntryColumns} FROM entries WHERE value = @Value", new { entry.Value }));
                if (existing is not null)
                {
                    var found = ToEntry(existing);
                    var outcome = found.SameDefinitionAs(entry) ? EntryWriteOutcome.AlreadyIdentical : EntryWriteOutcome.Conflict;
                    return new EntryWriteResult(outcome, found, w.State.Revision);
                }

                var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
                var added = new List<string>();
                var (created, _) = await InsertEntryAsync(w, entry, actor, now, added);
                var renamed = await RenamedAsync(w, entry.Kind, entry.Destinations().Select(d => d.ToString()).Except(added, StringComparer.Ordinal));

                var revision = await CommitRevisionAsync(w, added, removed: [], now, renamed);
                await w.Connection.ExecuteAsync(w.Command(InsertAuditSql, new
                {
                    At = now,
                    Actor = actor,
                    Action = "entry.create",
                    EntryId = (long?)created.Id,
                    BeforeJson = (string?)null,
                    AfterJson = EntryAuditJson.Of(created),
                    Revision = revision != w.State.Revision ? revision : 0,
                }));
                return new EntryWriteResult(EntryWriteOutcome.Created, created, revision);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<EntryWriteResult> DeleteEntryAsync(long id, string actor, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return WriteAsync(
            async w =>
            {
                if (await ReadEntryAsync(w, id) is not { } entry)
                {
                    return new EntryWriteResult(EntryWriteOutcome.NotFound, null, w.State.Revision);
                }

                if (entry.Undeletable)
                {
                    return new EntryWriteResult(EntryWriteOutcome.Undeletable, entry, w.State.Revision);
                }

                // Destinations that only this entry contributes leave the desired state with it.
                var removed = (await w.Connection.QueryAsync<string>(w.Command(
                    "SELECT s.dkey FROM destination_sources s WHERE s.entry_id = @Id AND NOT EXISTS " +
                    "(SELECT 1 FROM destination_sources o WHERE o.dkey = s.dkey AND o.entry_id <> @Id)",
                    new { Id = id }))).ToList();
                var held = await w.Connection.QueryAsync<string>(w.Command("SELECT dkey FROM destination_sources WHERE entry_id = @Id", new { Id = id }));
                await w.Connection.ExecuteAsync(w.Command("DELETE FROM destination_sources WHERE entry_id = @Id", new { Id = id }));
                await DeleteResolutionRowsAsync(w, id);
                var renamed = await RenamedAsync(w, entry.Kind, held.Except(removed, StringComparer.Ordinal));
                var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
                var revision = await CommitRevisionAsync(w, added: [], removed, now, renamed);
                await w.Connection.ExecuteAsync(w.Command(InsertAuditSql, new
                {
                    At = now,
                    Actor = actor,
                    Action = "entry.delete",
                    EntryId = (long?)id,
                    BeforeJson = EntryAuditJson.Of(entry),
                    AfterJson = (string?)null,
                    Revision = revision != w.State.Revision ? revision : 0,
                }));
                var deleted = await w.Connection.ExecuteAsync(w.Command(
                    "DELETE FROM entries WHERE id = @Id AND undeletable = 0", new { Id = id }));
                if (deleted != 1)
                {
                    throw new InvalidOperationException(FormattableString.Invariant($"Entry {id} could not be deleted (deleted {deleted} rows)."));
                }

                return new EntryWriteResult(EntryWriteOutcome.Deleted, entry, revision);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<EntryWriteResult> UpdateEntryAsync(long id, EntryPatch patch, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentException.ThrowIfNullOrEmpty(actor);
        return WriteAsync(
            async w =>
            {
                if (await ReadEntryAsync(w, id) is not { } before)
                {
                    return new EntryWriteResult(EntryWriteOutcome.NotFound, null, w.State.Revision);
                }

                var after = patch.ApplyTo(before);
                var portsChanged = !after.Ports.SequenceEqual(before.Ports);
                if (!portsChanged && after.Note == before.Note)
                {
                    return new EntryWriteResult(EntryWriteOutcome.AlreadyIdentical, before, w.State.Revision);
                }

                if (portsChanged && before.Undeletable)
                {
                    return new EntryWriteResult(EntryWriteOutcome.Undeletable, before, w.State.Revision);
                }

                await w.Connection.ExecuteAsync(w.Command(
                    "UPDATE entries SET ports = @Ports, note = @Note WHERE id = @Id",
                    new { Id = id, Ports = string.Join(',', after.Ports.Select(p => p.ToString())), after.Note }));
                List<string> added = [], removed = [], renamed = [];
                if (portsChanged)
                {
                    var prefixes = before.Kind == EntryKind.Domain
                        ? (await w.Connection.QueryAsync<string>(w.Command(
                            "SELECT address FROM resolved_addresses WHERE entry_id = @Id", new { Id = id }))).Select(a => IpPrefix.Host(System.Net.IPAddress.Parse(a)))
                        : [IpPrefix.Parse(before.Value)];
                    List<string> kept;
                    (added, removed, kept) = await SyncSourcesAsync(w, id, after.Definition.DestinationsAt(prefixes).Select(d => d.ToString()));
                    renamed = await RenamedAsync(w, before.Kind, kept);
                }

                var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
                var revision = await CommitRevisionAsync(w, added, removed, now, renamed);
                await w.Connection.ExecuteAsync(w.Command(InsertAuditSql, new
                {
                    At = now,
                    Actor = actor,
                    Action = "entry.update",
                    EntryId = (long?)id,
                    BeforeJson = EntryAuditJson.Of(before),
                    AfterJson = EntryAuditJson.Of(after),
                    Revision = revision != w.State.Revision ? revision : 0,
                }));
                return new EntryWriteResult(EntryWriteOutcome.Updated, after, revision);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Entry?> GetEntryAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<EntryRow>(
            Command($"SELECT {EntryColumns} FROM entries WHERE id = @Id", new { Id = id }, null, cancellationToken));
        return row is null ? null : ToEntry(row);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Entry>> ListEntriesAsync(EntryFilter filter, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (limit <= 0)
        {
            return [];
        }

        var sql = new StringBuilder($"SELECT {EntryColumns} FROM entries WHERE id > @AfterId");
        var parameters = new DynamicParameters();
        parameters.Add("AfterId", afterId);
        AppendEntryFilter(sql, parameters, filter);
        sql.Append(" ORDER BY id LIMIT @Limit");
        parameters.Add("Limit", limit);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EntryRow>(Command(sql.ToString(), parameters, null, cancellationToken));
        return rows.Select(ToEntry).ToList();
    }

    /// <inheritdoc />
    public async Task<long> GetEntriesVersionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(Command("SELECT version FROM entries_version WHERE id = 1", null, null, cancellationToken));
    }

    /// <summary>The entry <paramref name="id"/> as the write transaction sees it, or null.</summary>
    private static async Task<Entry?> ReadEntryAsync(WriteScope w, long id) =>
        await w.Connection.QuerySingleOrDefaultAsync<EntryRow>(w.Command($"SELECT {EntryColumns} FROM entries WHERE id = @Id", new { Id = id })) is { } row
            ? ToEntry(row)
            : null;

    /// <summary>
    /// Adds and removes destinations; when anything changed (destinations, or the entry names of
    /// <paramref name="renamed"/> destinations that stay), makes the next revision with its change-log rows
    /// (op <c>a</c>, <c>r</c>, <c>n</c>) and time. Returns the revision after the change.
    /// </summary>
    private async Task<long> CommitRevisionAsync(WriteScope w, List<string> added, List<string> removed, long now, IReadOnlyCollection<string>? renamed = null)
    {
        var renames = renamed is null or { Count: 0 } ? [] : renamed.Except(added, StringComparer.Ordinal).Except(removed, StringComparer.Ordinal).ToList();
        if (added.Count == 0 && removed.Count == 0 && renames.Count == 0)
        {
            return w.State.Revision;
        }

        var revision = w.State.Revision + 1;
        var connection = w.Connection;
        if (added.Count > 0)
        {
            await InsertManyAsync(w, "destinations", "dkey, added_revision", added.Select(k => new object?[] { k, revision }));
        }

        if (removed.Count > 0)
        {
            await connection.ExecuteAsync(w.Command(
                "DELETE FROM destinations WHERE dkey = @Key", removed.Select(k => new { Key = k })));
        }

        await InsertManyAsync(w, "change_log", "revision, dkey, op", added.Select(k => new object?[] { revision, k, "a" })
            .Concat(removed.Select(k => new object?[] { revision, k, "r" }))
            .Concat(renames.Select(k => new object?[] { revision, k, "n" })));
        var updated = await connection.ExecuteAsync(w.Command(
            "UPDATE state SET revision = @Revision, revision_time = @Now WHERE id = 1 AND revision = @Previous",
            new { Revision = revision, Now = now, Previous = w.State.Revision }));
        return updated == 1
            ? revision
            : throw new InvalidOperationException("The state row changed under a write transaction; writers are not serialised.");
    }

    /// <summary>A LIKE pattern for "contains", lower-cased, with '!' escaping the wildcards.</summary>
    private static string ContainsPattern(string text)
    {
        var escaped = text.ToLowerInvariant().Replace("!", "!!", StringComparison.Ordinal)
            .Replace("%", "!%", StringComparison.Ordinal).Replace("_", "!_", StringComparison.Ordinal);
        return $"%{escaped}%";
    }

    private static Entry ToEntry(EntryRow row) => new(
        row.Id,
        row.Value,
        (EntryKind)row.Kind,
        row.Ports.Length == 0 ? [] : row.Ports.Split(',').Select(PortRules.Parse).ToList(),
        row.Note,
        row.Undeletable,
        row.CreatedBy,
        FromUnixMs(row.CreatedAt))
    {
        SuppressedBy = string.IsNullOrEmpty(row.SuppressedBy) ? null : row.SuppressedBy,
    };

    /// <summary>Appends the conditions of <paramref name="filter"/> (" AND …") to a WHERE clause, every value a parameter.</summary>
    private static void AppendEntryFilter(StringBuilder sql, DynamicParameters parameters, EntryFilter filter)
    {
        if (filter.Kind is { } kind)
        {
            sql.Append(" AND kind = @Kind");
            parameters.Add("Kind", (int)kind);
        }

        if (filter.Undeletable is { } undeletable)
        {
            sql.Append(" AND undeletable = @Undeletable");
            parameters.Add("Undeletable", undeletable);
        }

        if (filter.HasPorts is { } hasPorts)
        {
            sql.Append(hasPorts ? " AND ports <> ''" : " AND ports = ''");
        }

        if (!string.IsNullOrEmpty(filter.ValueContains))
        {
            sql.Append(" AND LOWER(value) LIKE @ValueLike ESCAPE '!'");
            parameters.Add("ValueLike", ContainsPattern(filter.ValueContains));
        }

        var words = (filter.Text ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).ToList();
        for (var i = 0; i < words.Count; i++)
        {
            // Only the parameter's name is composed; every value is a parameter.
            var name = string.Create(CultureInfo.InvariantCulture, $"Word{i}");
            sql.Append(CultureInfo.InvariantCulture, $" AND (LOWER(value) LIKE @{name} ESCAPE '!' OR LOWER(note) LIKE @{name} ESCAPE '!')");
            parameters.Add(name, ContainsPattern(words[i].Trim()));
        }
    }
}
