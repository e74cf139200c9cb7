using System.Text;
using Dapper;
using OutputGuard.ControlPlane.Admin.Queries;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Store;

/// <summary>The admin page's reads and its bounded traffic history (<see cref="IAdminStore"/>), one SQL for both dialects.</summary>
public abstract partial class SqlControlPlaneStore : IAdminStore
{
    private const string TrafficSums =
        "SUM(t.out_bytes + 0.0) AS OutputBytes, SUM(t.out_packets + 0.0) AS OutputPackets, " +
        "SUM(t.in_bytes + 0.0) AS InputBytes, SUM(t.in_packets + 0.0) AS InputPackets";

    /// <inheritdoc />
    public async Task<EntryCounts> CountEntriesAsync(EntryFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var sql = new StringBuilder(
            "SELECT kind AS Kind, COUNT(*) AS Count, SUM(CASE WHEN undeletable <> 0 THEN 1 ELSE 0 END) AS Undeletable, " +
            "SUM(CASE WHEN suppressed_by <> '' THEN 1 ELSE 0 END) AS Suppressed FROM entries WHERE 1 = 1");
        var parameters = new DynamicParameters();
        AppendEntryFilter(sql, parameters, filter);
        sql.Append(" GROUP BY kind");
        await using var connection = await OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<KindCountRow>(Command(sql.ToString(), parameters, null, cancellationToken))).ToList();
        long Of(EntryKind kind) => rows.Where(r => r.Kind == (int)kind).Sum(r => r.Count);
        return new EntryCounts(Of(EntryKind.Domain), Of(EntryKind.Ip), Of(EntryKind.Cidr), rows.Sum(r => (long)r.Undeletable), rows.Sum(r => (long)r.Suppressed));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EntryTraffic>> ListEntryTrafficAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EntryTrafficRow>(Command(
            $"SELECT s.entry_id AS EntryId, {TrafficSums} FROM traffic t JOIN destination_sources s ON s.dkey = t.dkey " +
            "GROUP BY s.entry_id ORDER BY SUM(t.out_bytes + 0.0) + SUM(t.in_bytes + 0.0) DESC, s.entry_id LIMIT @limit",
            new { limit },
            null,
            cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EntryTraffic>> ListTrafficOfEntryAsync(long entryId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<EntryTrafficRow>(Command(
            $"SELECT s.entry_id AS EntryId, t.dkey AS DestinationKey, {TrafficSums} FROM traffic t JOIN destination_sources s ON s.dkey = t.dkey " +
            "WHERE s.entry_id = @entryId GROUP BY s.entry_id, t.dkey ORDER BY SUM(t.out_bytes + 0.0) + SUM(t.in_bytes + 0.0) DESC, t.dkey LIMIT @limit",
            new { entryId, limit },
            null,
            cancellationToken));
        return rows.Select(r => r.ToRecord()).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<long>>> EntriesOfDestinationsAsync(
        IReadOnlyCollection<string> destinationKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinationKeys);
        var found = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        if (destinationKeys.Count > 0)
        {
            await using var connection = await OpenAsync(cancellationToken);
            foreach (var chunk in destinationKeys.Distinct(StringComparer.Ordinal).Chunk(500))
            {
                var rows = await connection.QueryAsync<(string DKey, long EntryId)>(Command(
                    "SELECT dkey, entry_id FROM destination_sources WHERE dkey IN @chunk ORDER BY entry_id", new { chunk }, null, cancellationToken));
                foreach (var (key, entryId) in rows)
                {
                    (found.TryGetValue(key, out var ids) ? ids : found[key] = []).Add(entryId);
                }
            }
        }

        return found.ToDictionary(p => p.Key, p => (IReadOnlyList<long>)p.Value, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GatewayDenied>> ListDeniedByGatewayAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeniedRow>(Command(
            "SELECT gateway_id AS GatewayId, address AS Address, protocol AS Protocol, port AS Port, packets AS Packets, bytes AS Bytes, " +
            "last_seen AS LastSeen FROM denied ORDER BY packets DESC, address, protocol, port, gateway_id LIMIT @limit",
            new { limit },
            null,
            cancellationToken));
        return rows.Select(r => new GatewayDenied(r.GatewayId, r.Address, r.Protocol, r.Port, r.Packets, r.Bytes, FromUnixMs(r.LastSeen))).ToList();
    }

    /// <inheritdoc />
    public async Task AppendTrafficSampleAsync(DateTimeOffset at, int topDestinations, DateTimeOffset keepFrom, CancellationToken cancellationToken)
    {
        var time = at.ToUnixTimeMilliseconds();
        await WriteChunkAsync(
            async (connection, transaction) =>
            {
                const string sums = "COALESCE(SUM(t.out_bytes + 0.0), 0) AS OutBytes, COALESCE(SUM(t.in_bytes + 0.0), 0) AS InBytes, " +
                    "COALESCE(SUM(t.out_packets + 0.0), 0) AS OutPackets, COALESCE(SUM(t.in_packets + 0.0), 0) AS InPackets";
                var total = await connection.QueryAsync<SampleRow>(Command(
                    $"SELECT '' AS DKey, {sums} FROM traffic t", null, transaction, cancellationToken));
                var top = await connection.QueryAsync<SampleRow>(Command(
                    $"SELECT t.dkey AS DKey, {sums} FROM traffic t GROUP BY t.dkey ORDER BY SUM(t.out_bytes + 0.0) + SUM(t.in_bytes + 0.0) DESC, t.dkey LIMIT @topDestinations",
                    new { topDestinations },
                    transaction,
                    cancellationToken));
                var rows = total.Concat(top).Select(r => new { At = time, r.DKey, r.OutBytes, r.InBytes, r.OutPackets, r.InPackets }).ToList();
                await connection.ExecuteAsync(Command(
                    "INSERT INTO traffic_history (at, dkey, out_bytes, in_bytes, out_packets, in_packets) VALUES (@At, @DKey, @OutBytes, @InBytes, @OutPackets, @InPackets) " +
                    Upsert("at, dkey", "out_bytes", "in_bytes", "out_packets", "in_packets"),
                    rows,
                    transaction,
                    cancellationToken));

                return await connection.ExecuteAsync(Command(
                    "DELETE FROM traffic_history WHERE at < @keep", new { keep = keepFrom.ToUnixTimeMilliseconds() }, transaction, cancellationToken));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TrafficSample>> ListTrafficSamplesAsync(DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SampleRow>(Command(
            "SELECT at AS At, dkey AS DKey, out_bytes AS OutBytes, in_bytes AS InBytes, out_packets AS OutPackets, in_packets AS InPackets " +
            "FROM traffic_history WHERE at >= @from ORDER BY at, dkey",
            new { from = from.ToUnixTimeMilliseconds() },
            null,
            cancellationToken));
        return rows.Select(r => new TrafficSample(FromUnixMs(r.At), r.DKey, r.OutBytes, r.InBytes, r.OutPackets, r.InPackets)).ToList();
    }

    private sealed class KindCountRow
    {
        public long Kind { get; set; }

        public long Count { get; set; }

        public decimal Undeletable { get; set; }

        public decimal Suppressed { get; set; }
    }

    private sealed class EntryTrafficRow
    {
        public long EntryId { get; set; }

        public string DestinationKey { get; set; } = string.Empty;

        public double OutputBytes { get; set; }

        public double OutputPackets { get; set; }

        public double InputBytes { get; set; }

        public double InputPackets { get; set; }

        public EntryTraffic ToRecord() => new(EntryId, DestinationKey, OutputBytes, OutputPackets, InputBytes, InputPackets);
    }

    private sealed class SampleRow
    {
        public long At { get; set; }

        public string DKey { get; set; } = string.Empty;

        public double OutBytes { get; set; }

        public double InBytes { get; set; }

        public double OutPackets { get; set; }

        public double InPackets { get; set; }
    }
}
