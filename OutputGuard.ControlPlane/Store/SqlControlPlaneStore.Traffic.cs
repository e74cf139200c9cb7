using System.Diagnostics;
using Dapper;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Traffic;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// The gateways' traffic reports. A report rewrites only what changed against the gateway's stored one: new and
/// changed rows, in short transactions of at most <see cref="TrafficRowsPerChunk"/> rows, then the rows it no
/// longer holds. Each destination's row is always one report's counters. Answers sum the gateways' rows with
/// sums that saturate at 2^64 - 1 instead of overflowing: every counter is summed as its high and low 32 bits.
/// </summary>
public abstract partial class SqlControlPlaneStore
{
    /// <summary>Rows per write transaction of a traffic report.</summary>
    public const int TrafficRowsPerChunk = 250;

    private const string ReportTimeJoin = "LEFT JOIN traffic_reports r ON r.gateway_id = t.gateway_id";

    /// <inheritdoc />
    public async Task<TrafficBaseline> GetTrafficBaselineAsync(string gatewayId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var reportedAt = await connection.ExecuteScalarAsync<long?>(Command(
            "SELECT reported_at FROM traffic_reports WHERE gateway_id = @gatewayId", new { gatewayId }, null, cancellationToken));
        var rows = await connection.QueryAsync<TrafficRow>(Command(
            "SELECT dkey AS DKey, out_bytes AS OutBytes, out_packets AS OutPackets, in_bytes AS InBytes, in_packets AS InPackets " +
            "FROM traffic WHERE gateway_id = @gatewayId",
            new { gatewayId },
            null,
            cancellationToken));
        var counters = rows.ToDictionary(
            r => r.DKey, r => new TrafficCounters((ulong)r.OutBytes, (ulong)r.OutPackets, (ulong)r.InBytes, (ulong)r.InPackets), StringComparer.Ordinal);
        return new TrafficBaseline(reportedAt is { } at ? FromUnixMs(at) : counters.Count > 0 ? DateTimeOffset.UnixEpoch : null, counters);
    }

    /// <inheritdoc />
    public async Task ReplaceTrafficAsync(
        string gatewayId,
        DateTimeOffset time,
        IReadOnlyList<DestinationTotals> destinations,
        IReadOnlyList<DeniedTotals> denied,
        TrafficBaseline? previous,
        Func<int, TimeSpan, CancellationToken, Task>? pace,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(denied);
        previous ??= await GetTrafficBaselineAsync(gatewayId, cancellationToken);
        var at = time.ToUnixTimeMilliseconds();
        var keep = new HashSet<string>(StringComparer.Ordinal);
        var changed = new List<TrafficRow>();
        foreach (var d in destinations)
        {
            var key = d.Destination.ToString();
            if (keep.Add(key) && (!previous.Counters.TryGetValue(key, out var old) || old != Clamped(TrafficCounters.Of(d))))
            {
                changed.Add(new TrafficRow
                {
                    GatewayId = gatewayId,
                    DKey = key,
                    OutBytes = Stored(d.OutputBytes),
                    OutPackets = Stored(d.OutputPackets),
                    InBytes = Stored(d.InputBytes),
                    InPackets = Stored(d.InputPackets),
                    ReportedAt = at,
                });
            }
        }

        foreach (var chunk in changed.Chunk(TrafficRowsPerChunk))
        {
            var (sql, parameters) = TrafficUpsert(chunk);
            await WriteTrafficChunkAsync(sql, parameters, chunk.Length, pace, cancellationToken);
        }

        foreach (var chunk in previous.Counters.Keys.Where(k => !keep.Contains(k)).Chunk(TrafficRowsPerChunk))
        {
            await WriteTrafficChunkAsync("DELETE FROM traffic WHERE gateway_id = @gatewayId AND dkey IN @chunk", new { gatewayId, chunk }, chunk.Length, pace, cancellationToken);
        }

        // Denied destinations are at most TrafficReports.MaxDenied rows: replaced in one transaction, with the report time.
        await WriteChunkAsync(
            async (connection, transaction) =>
            {
                await connection.ExecuteAsync(Command("DELETE FROM denied WHERE gateway_id = @gatewayId", new { gatewayId }, transaction, cancellationToken));
                await connection.ExecuteAsync(Command(
                    "INSERT INTO denied (gateway_id, address, protocol, port, packets, bytes, last_seen) " +
                    "VALUES (@GatewayId, @Address, @Protocol, @Port, @Packets, @Bytes, @LastSeen)",
                    denied.DistinctBy(d => (d.Address, d.Protocol, d.Port)).Select(d => new DeniedRow
                    {
                        GatewayId = gatewayId,
                        Address = d.Address,
                        Protocol = d.Protocol,
                        Port = d.Port,
                        Packets = Stored(d.Packets),
                        Bytes = Stored(d.Bytes),
                        LastSeen = d.LastSeen.ToUnixTimeMilliseconds(),
                    }).ToList(),
                    transaction,
                    cancellationToken));
                return await connection.ExecuteAsync(Command(
                    "INSERT INTO traffic_reports (gateway_id, reported_at) VALUES (@gatewayId, @at) " + Upsert("gateway_id", "reported_at"),
                    new { gatewayId, at },
                    transaction,
                    cancellationToken));
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DestinationTotals>> ListTrafficAsync(string? gatewayId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TrafficSumRow>(Command(
            "SELECT t.dkey AS DKey, " + SplitSums("t.out_bytes", "OutBytes") + ", " + SplitSums("t.out_packets", "OutPackets") + ", " +
            SplitSums("t.in_bytes", "InBytes") + ", " + SplitSums("t.in_packets", "InPackets") + ", " +
            "COUNT(*) AS Gateways, MAX(COALESCE(r.reported_at, t.reported_at)) AS ReportedAt FROM traffic t " + ReportTimeJoin + " " +
            OneGateway(gatewayId) + " GROUP BY t.dkey ORDER BY SUM(t.out_bytes + 0.0) + SUM(t.in_bytes + 0.0) DESC, t.dkey LIMIT @limit",
            new { gatewayId, limit },
            null,
            cancellationToken));
        return rows.Select(r => new DestinationTotals(
            Destination.Parse(r.DKey),
            Saturated(r.OutBytesHi, r.OutBytesLo, r.OutBytesMax),
            Saturated(r.OutPacketsHi, r.OutPacketsLo, r.OutPacketsMax),
            Saturated(r.InBytesHi, r.InBytesLo, r.InBytesMax),
            Saturated(r.InPacketsHi, r.InPacketsLo, r.InPacketsMax),
            (int)r.Gateways,
            FromUnixMs(r.ReportedAt))).ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeniedTotals>> ListDeniedAsync(string? gatewayId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeniedSumRow>(Command(
            "SELECT t.address AS Address, t.protocol AS Protocol, t.port AS Port, " + SplitSums("t.packets", "Packets") + ", " +
            SplitSums("t.bytes", "Bytes") + ", MAX(t.last_seen) AS LastSeen, COUNT(*) AS Gateways FROM denied t " +
            OneGateway(gatewayId) + " GROUP BY t.address, t.protocol, t.port " +
            "ORDER BY SUM(t.packets + 0.0) DESC, t.address, t.protocol, t.port LIMIT @limit",
            new { gatewayId, limit },
            null,
            cancellationToken));
        return rows.Select(r => new DeniedTotals(
            r.Address, (int)r.Protocol, (int)r.Port, Saturated(r.PacketsHi, r.PacketsLo, r.PacketsMax), Saturated(r.BytesHi, r.BytesLo, r.BytesMax), FromUnixMs(r.LastSeen), (int)r.Gateways))
            .ToList();
    }

    /// <summary>The dialect's "on conflict of <paramref name="key"/>, set <paramref name="columns"/> to the new values" clause.</summary>
    protected abstract string Upsert(string key, params string[] columns);

    /// <summary>
    /// Whether many rows are best written as one statement with many VALUES (a server a round trip away: MySQL)
    /// rather than one prepared statement run per row (an embedded database, whose parameters are looked up by name).
    /// </summary>
    protected virtual bool RowsInOneStatement => false;

    private (string Sql, object Parameters) TrafficUpsert(TrafficRow[] chunk)
    {
        const string Insert = "INSERT INTO traffic (gateway_id, dkey, out_bytes, out_packets, in_bytes, in_packets, reported_at) VALUES ";
        var onConflict = " " + Upsert("gateway_id, dkey", "out_bytes", "out_packets", "in_bytes", "in_packets", "reported_at");
        if (!RowsInOneStatement)
        {
            return (Insert + "(@GatewayId, @DKey, @OutBytes, @OutPackets, @InBytes, @InPackets, @ReportedAt)" + onConflict, chunk);
        }

        // Only parameter names are composed; every value is a parameter.
        var sql = new System.Text.StringBuilder(Insert);
        var parameters = new DynamicParameters();
        for (var i = 0; i < chunk.Length; i++)
        {
            var r = chunk[i];
            sql.Append(System.Globalization.CultureInfo.InvariantCulture, $"{(i > 0 ? "," : string.Empty)}(@g{i}, @k{i}, @ob{i}, @op{i}, @ib{i}, @ip{i}, @t{i})");
            parameters.Add($"g{i}", r.GatewayId);
            parameters.Add($"k{i}", r.DKey);
            parameters.Add($"ob{i}", r.OutBytes);
            parameters.Add($"op{i}", r.OutPackets);
            parameters.Add($"ib{i}", r.InBytes);
            parameters.Add($"ip{i}", r.InPackets);
            parameters.Add($"t{i}", r.ReportedAt);
        }

        return (sql.Append(onConflict).ToString(), parameters);
    }

    // A condition of its own, not "@gatewayId IS NULL OR ...", so that one gateway's rows are read through the key.
    private static string OneGateway(string? gatewayId) => gatewayId is null ? string.Empty : "WHERE t.gateway_id = @gatewayId";

    private static string SplitSums(string column, string alias) =>
        $"SUM({column} >> 32) AS {alias}Hi, SUM({column} & 4294967295) AS {alias}Lo, MAX({column}) AS {alias}Max";

    // A counter stored as 2^63 - 1 stood for "that or more": a sum with one is as large as the API can say.
    private static ulong Saturated(decimal high, decimal low, long max)
    {
        if (max == long.MaxValue)
        {
            return ulong.MaxValue;
        }

        var total = (high * 4_294_967_296m) + low;
        return total >= ulong.MaxValue ? ulong.MaxValue : total <= 0 ? 0 : (ulong)total;
    }

    // A gateway's counter is stored as a signed 64-bit value; 2^63 - 1 bytes is 9.2 exabytes.
    private static long Stored(ulong value) => value > long.MaxValue ? long.MaxValue : (long)value;

    private static TrafficCounters Clamped(TrafficCounters c) =>
        new((ulong)Stored(c.OutputBytes), (ulong)Stored(c.OutputPackets), (ulong)Stored(c.InputBytes), (ulong)Stored(c.InputPackets));

    private async Task WriteTrafficChunkAsync(
        string sql, object parameters, int rows, Func<int, TimeSpan, CancellationToken, Task>? pace, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await WriteChunkAsync(
            (connection, transaction) => connection.ExecuteAsync(Command(sql, parameters, transaction, cancellationToken)),
            cancellationToken);
        if (pace is not null)
        {
            await pace(rows, Stopwatch.GetElapsedTime(started), cancellationToken);
        }
    }

    private sealed class TrafficRow
    {
        public string GatewayId { get; init; } = string.Empty;

        public string DKey { get; init; } = string.Empty;

        public long OutBytes { get; init; }

        public long OutPackets { get; init; }

        public long InBytes { get; init; }

        public long InPackets { get; init; }

        public long ReportedAt { get; init; }
    }

    private sealed class DeniedRow
    {
        public string GatewayId { get; init; } = string.Empty;

        public string Address { get; init; } = string.Empty;

        public int Protocol { get; init; }

        public int Port { get; init; }

        public long Packets { get; init; }

        public long Bytes { get; init; }

        public long LastSeen { get; init; }
    }

    private sealed class TrafficSumRow
    {
        public string DKey { get; set; } = string.Empty;

        public decimal OutBytesHi { get; set; }

        public decimal OutBytesLo { get; set; }

        public long OutBytesMax { get; set; }

        public decimal OutPacketsHi { get; set; }

        public decimal OutPacketsLo { get; set; }

        public long OutPacketsMax { get; set; }

        public decimal InBytesHi { get; set; }

        public decimal InBytesLo { get; set; }

        public long InBytesMax { get; set; }

        public decimal InPacketsHi { get; set; }

        public decimal InPacketsLo { get; set; }

        public long InPacketsMax { get; set; }

        public long Gateways { get; set; }

        public long ReportedAt { get; set; }
    }

    private sealed class DeniedSumRow
    {
        public string Address { get; set; } = string.Empty;

        public long Protocol { get; set; }

        public long Port { get; set; }

        public decimal PacketsHi { get; set; }

        public decimal PacketsLo { get; set; }

        public long PacketsMax { get; set; }

        public decimal BytesHi { get; set; }

        public decimal BytesLo { get; set; }

        public long BytesMax { get; set; }

        public long LastSeen { get; set; }

        public long Gateways { get; set; }
    }
}
