using Dapper;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.State;

namespace OutputGuard.ControlPlane.Store;

/// <summary>The desired state, its revision and its change log.</summary>
public abstract partial class SqlControlPlaneStore
{
    private const string ReadStateSql =
        "SELECT revision AS Revision, revision_time AS RevisionTime, log_floor AS LogFloor FROM state WHERE id = 1";

    /// <inheritdoc />
    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(Command("SELECT revision FROM state WHERE id = 1", null, null, cancellationToken));
    }

    /// <inheritdoc />
    public Task<DesiredStateSnapshot> GetDesiredStateAsync(CancellationToken cancellationToken) =>
        ReadAsync(
            async (connection, transaction) =>
            {
                var state = await connection.QuerySingleAsync<StateRow>(Command(ReadStateSql, null, transaction, cancellationToken));
                var keys = await connection.QueryAsync<string>(Command("SELECT dkey FROM destinations", null, transaction, cancellationToken));
                var destinations = keys.Select(Destination.Parse).ToList();
                destinations.Sort();
                var entries = await ReadAllEntryNamesAsync(connection, transaction, cancellationToken);
                return new DesiredStateSnapshot(state.Revision, destinations, state.LogFloor, FromUnixMs(state.RevisionTime)) { Entries = entries };
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<RevisionChange>?> GetChangesAsync(long afterRevision, int maxRevisions, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<RevisionChange>?>(
            async (connection, transaction) =>
            {
                var state = await connection.QuerySingleAsync<StateRow>(Command(ReadStateSql, null, transaction, cancellationToken));
                if (afterRevision < state.LogFloor)
                {
                    return null;
                }

                if (maxRevisions <= 0 || afterRevision >= state.Revision)
                {
                    return [];
                }

                var upTo = Math.Min(state.Revision, afterRevision + maxRevisions);
                var rows = await connection.QueryAsync<ChangeRow>(Command(
                    "SELECT revision AS Revision, dkey AS Dkey, op AS Op FROM change_log " +
                    "WHERE revision > @After AND revision <= @UpTo ORDER BY revision",
                    new { After = afterRevision, UpTo = upTo },
                    transaction,
                    cancellationToken));
                var changes = rows.GroupBy(r => r.Revision)
                    .OrderBy(g => g.Key)
                    .Select(g => new RevisionChange(g.Key, Sorted(g, "a"), Sorted(g, "r")) { Renamed = Sorted(g, "n") })
                    .ToList();

                // The names as they are now (a later revision that changes them again carries them again), in this transaction.
                var named = changes.SelectMany(c => c.Added.Concat(c.Renamed)).Select(d => d.ToString()).ToHashSet(StringComparer.Ordinal);
                var entries = await ReadEntryNamesAsync(connection, transaction, named, cancellationToken);
                return entries.Count == 0
                    ? changes
                    : changes.Select(c => c with { Entries = Of(entries, c.Added.Concat(c.Renamed)) }).ToList();
            },
            cancellationToken);

    /// <inheritdoc />
    public Task<int> TrimChangeLogAsync(long keepRevisions, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keepRevisions);
        return WriteAsync(
            async w =>
            {
                var floor = w.State.Revision - keepRevisions;
                if (floor <= w.State.LogFloor)
                {
                    return 0;
                }

                var removed = await w.Connection.ExecuteAsync(w.Command(
                    "DELETE FROM change_log WHERE revision <= @Floor", new { Floor = floor }));
                await w.Connection.ExecuteAsync(w.Command(
                    "UPDATE state SET log_floor = @Floor WHERE id = 1", new { Floor = floor }));
                return removed;
            },
            cancellationToken);
    }

    private static Dictionary<Destination, DestinationEntries> Of(Dictionary<Destination, DestinationEntries> entries, IEnumerable<Destination> destinations)
    {
        var of = new Dictionary<Destination, DestinationEntries>();
        foreach (var d in destinations)
        {
            if (entries.TryGetValue(d, out var e))
            {
                of[d] = e;
            }
        }

        return of;
    }

    private static List<Destination> Sorted(IEnumerable<ChangeRow> rows, string op)
    {
        var list = rows.Where(r => r.Op == op).Select(r => Destination.Parse(r.Dkey)).ToList();
        list.Sort();
        return list;
    }
}
