using System.Net;
using System.Text.Json;
using Dapper;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;

namespace OutputGuard.ControlPlane.Store;

/// <summary>Domain entries' resolved addresses: applying a lookup in one transaction, and reads.</summary>
public abstract partial class SqlControlPlaneStore
{
    private const string ResolvedColumns =
        "entry_id AS EntryId, address AS Address, first_seen AS FirstSeen, last_seen AS LastSeen, ttl AS Ttl, state AS State";

    private const string StatusColumns =
        "entry_id AS EntryId, last_attempt AS LastAttempt, last_success AS LastSuccess, last_error AS LastError, " +
        "consecutive_failures AS ConsecutiveFailures, skipped_internal AS SkippedInternal, excess_count AS ExcessCount, " +
        "excess_addresses AS ExcessAddresses, COALESCE(answers, '') AS Answers";

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<long, EntryResolution>> GetResolutionsAsync(IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        var result = new Dictionary<long, EntryResolution>();
        if (entryIds.Count == 0)
        {
            return result;
        }

        return await ReadAsync<IReadOnlyDictionary<long, EntryResolution>>(
            async (connection, transaction) =>
            {
                foreach (var chunk in entryIds.Distinct().Chunk(500))
                {
                    var addresses = (await connection.QueryAsync<ResolvedAddressRow>(Command(
                        $"SELECT {ResolvedColumns} FROM resolved_addresses WHERE entry_id IN @Ids", new { Ids = chunk }, transaction, cancellationToken)))
                        .ToLookup(r => r.EntryId);
                    var statuses = (await connection.QueryAsync<ResolutionStatusRow>(Command(
                        $"SELECT {StatusColumns} FROM resolution_status WHERE entry_id IN @Ids", new { Ids = chunk }, transaction, cancellationToken)))
                        .ToDictionary(r => r.EntryId);
                    foreach (var id in chunk)
                    {
                        var list = addresses[id].Select(ToResolvedAddress).ToList();
                        list.Sort((a, b) => CompareAddresses(a.Address, b.Address));
                        result[id] = new EntryResolution(list, statuses.TryGetValue(id, out var s) ? ToStatus(s) : null);
                    }
                }

                return result;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<ResolutionChange> ApplyResolutionAsync(long entryId, LookupResult lookup, ResolutionPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        ArgumentNullException.ThrowIfNull(policy);
        return WriteAsync(
            async w =>
            {
                if (await ReadEntryAsync(w, entryId) is not { Kind: EntryKind.Domain } entry)
                {
                    return ResolutionChange.Gone(w.State.Revision);
                }

                var now = Time.GetUtcNow().ToUnixTimeMilliseconds();
                var rows = (await w.Connection.QueryAsync<ResolvedAddressRow>(w.Command(
                    $"SELECT {ResolvedColumns} FROM resolved_addresses WHERE entry_id = @Id", new { Id = entryId })))
                    .ToDictionary(r => r.Address, StringComparer.Ordinal);
                var previous = await w.Connection.QuerySingleOrDefaultAsync<ResolutionStatusRow>(w.Command(
                    $"SELECT {StatusColumns} FROM resolution_status WHERE entry_id = @Id", new { Id = entryId }));

                var plan = ResolutionPlan.Apply(rows, lookup, policy, now);
                await WriteAddressRowsAsync(w, entryId, plan, rows, now);
                var (added, removed, renamed) = plan.Added.Count == 0 && plan.Removed.Count == 0
                    ? ([], [], [])
                    : await SyncSourcesAsync(w, entry.Id, entry.Definition.DestinationsAt(rows.Keys.Select(a => IpPrefix.Host(IPAddress.Parse(a)))).Select(d => d.ToString()));
                var revision = await CommitRevisionAsync(w, added, removed, now, renamed);
                var status = plan.Status(previous, lookup, now);
                status.EntryId = entryId;
                var updated = await w.Connection.ExecuteAsync(w.Command(
                    "UPDATE resolution_status SET last_attempt = @LastAttempt, last_success = @LastSuccess, last_error = @LastError, " +
                    "consecutive_failures = @ConsecutiveFailures, skipped_internal = @SkippedInternal, excess_count = @ExcessCount, " +
                    "excess_addresses = @ExcessAddresses, answers = @Answers WHERE entry_id = @EntryId",
                    status));
                if (updated == 0)
                {
                    await w.Connection.ExecuteAsync(w.Command(
                        "INSERT INTO resolution_status (entry_id, last_attempt, last_success, last_error, consecutive_failures, " +
                        "skipped_internal, excess_count, excess_addresses, answers) VALUES (@EntryId, @LastAttempt, @LastSuccess, @LastError, " +
                        "@ConsecutiveFailures, @SkippedInternal, @ExcessCount, @ExcessAddresses, @Answers)",
                        status));
                }

                var changed = revision != w.State.Revision;
                if (changed)
                {
                    await w.Connection.ExecuteAsync(w.Command(InsertAuditSql, new
                    {
                        At = now,
                        Actor = policy.Actor,
                        Action = "entry.resolve",
                        EntryId = (long?)entryId,
                        BeforeJson = (string?)null,
                        AfterJson = JsonSerializer.Serialize(new
                        {
                            value = entry.Value,
                            added = plan.Added.Select(a => a.ToString()).ToArray(),
                            removed = plan.Removed.Select(a => a.ToString()).ToArray(),
                        }),
                        Revision = revision,
                    }));
                }

                return new ResolutionChange(true, plan.Added, plan.Removed, plan.EnteredGrace, revision, changed, previous?.LastError ?? string.Empty);
            },
            cancellationToken);
    }

    /// <summary>Writes only what the plan changed: removed rows, refreshed rows (one statement per TTL), rows entering grace, new rows.</summary>
    private static async Task WriteAddressRowsAsync(WriteScope w, long entryId, ResolutionPlan plan, Dictionary<string, ResolvedAddressRow> rows, long now)
    {
        if (plan.Removed.Count > 0)
        {
            await w.Connection.ExecuteAsync(w.Command(
                "DELETE FROM resolved_addresses WHERE entry_id = @EntryId AND address IN @Addresses",
                new { EntryId = entryId, Addresses = plan.Removed.Select(a => a.ToString()).ToList() }));
        }

        foreach (var group in plan.Refreshed.GroupBy(r => r.Ttl))
        {
            await w.Connection.ExecuteAsync(w.Command(
                "UPDATE resolved_addresses SET last_seen = @Now, ttl = @Ttl, state = @Live WHERE entry_id = @EntryId AND address IN @Addresses",
                new { Now = now, Ttl = group.Key, Live = (int)ResolvedAddressState.Live, EntryId = entryId, Addresses = group.Select(r => r.Address).ToList() }));
        }

        if (plan.EnteredGrace.Count > 0)
        {
            await w.Connection.ExecuteAsync(w.Command(
                "UPDATE resolved_addresses SET state = @InGrace WHERE entry_id = @EntryId AND address IN @Addresses",
                new { InGrace = (int)ResolvedAddressState.InGrace, EntryId = entryId, Addresses = plan.EnteredGrace.Select(a => a.ToString()).ToList() }));
        }

        if (plan.Added.Count > 0)
        {
            await w.Connection.ExecuteAsync(w.Command(
                "INSERT INTO resolved_addresses (entry_id, address, first_seen, last_seen, ttl, state) " +
                "VALUES (@EntryId, @Address, @FirstSeen, @LastSeen, @Ttl, @State)",
                plan.Added.Select(a =>
                {
                    var row = rows[a.ToString()];
                    row.EntryId = entryId;
                    return row;
                })));
        }
    }

    /// <summary>
    /// Makes the entry's <c>destination_sources</c> rows those of <paramref name="destinationKeys"/> (its addresses or
    /// prefix with its port rules); returns the destinations that join and leave the desired state, and those that
    /// gained or lost this entry as a source but stay (Kept: their entry names may change).
    /// </summary>
    private static async Task<(List<string> Added, List<string> Removed, List<string> Kept)> SyncSourcesAsync(WriteScope w, long entryId, IEnumerable<string> destinationKeys)
    {
        var desired = destinationKeys.ToHashSet(StringComparer.Ordinal);
        var current = (await w.Connection.QueryAsync<string>(w.Command(
            "SELECT dkey FROM destination_sources WHERE entry_id = @Id", new { Id = entryId }))).ToHashSet(StringComparer.Ordinal);
        var added = new List<string>();
        var removed = new List<string>();
        var kept = new List<string>();
        foreach (var key in desired.Where(k => !current.Contains(k)).Order(StringComparer.Ordinal))
        {
            await w.Connection.ExecuteAsync(w.Command(
                "INSERT INTO destination_sources (dkey, entry_id) VALUES (@Key, @EntryId)", new { Key = key, EntryId = entryId }));
            var present = await w.Connection.ExecuteScalarAsync<long>(w.Command("SELECT COUNT(*) FROM destinations WHERE dkey = @Key", new { Key = key }));
            (present == 0 ? added : kept).Add(key);
        }

        foreach (var key in current.Where(k => !desired.Contains(k)).Order(StringComparer.Ordinal))
        {
            await w.Connection.ExecuteAsync(w.Command(
                "DELETE FROM destination_sources WHERE dkey = @Key AND entry_id = @EntryId", new { Key = key, EntryId = entryId }));
            var others = await w.Connection.ExecuteScalarAsync<long>(w.Command(
                "SELECT COUNT(*) FROM destination_sources WHERE dkey = @Key", new { Key = key }));
            (others == 0 ? removed : kept).Add(key);
        }

        return (added, removed, kept);
    }

    /// <summary>Removes a deleted entry's resolver rows (inside its delete transaction).</summary>
    private static async Task DeleteResolutionRowsAsync(WriteScope w, long entryId)
    {
        await w.Connection.ExecuteAsync(w.Command("DELETE FROM resolved_addresses WHERE entry_id = @Id", new { Id = entryId }));
        await w.Connection.ExecuteAsync(w.Command("DELETE FROM resolution_status WHERE entry_id = @Id", new { Id = entryId }));
    }

    private static ResolvedAddress ToResolvedAddress(ResolvedAddressRow r) => new(
        IPAddress.Parse(r.Address), FromUnixMs(r.FirstSeen), FromUnixMs(r.LastSeen), r.Ttl, (ResolvedAddressState)r.State);

    private static ResolutionStatus ToStatus(ResolutionStatusRow r) => new(
        FromUnixMs(r.LastAttempt),
        r.LastSuccess is { } s ? FromUnixMs(s) : null,
        r.LastError,
        r.ConsecutiveFailures,
        SplitList(r.SkippedInternal),
        r.ExcessCount,
        SplitList(r.ExcessAddresses),
        RecordTypeAnswersJson.Read(r.Answers));

    private static string[] SplitList(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Orders IPv4 before IPv6, then numerically.</summary>
    internal static int CompareAddresses(IPAddress a, IPAddress b)
    {
        var c = a.AddressFamily.CompareTo(b.AddressFamily);
        return c != 0 ? c : IpPrefix.ToNumber(a).CompareTo(IpPrefix.ToNumber(b));
    }
}
