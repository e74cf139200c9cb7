using System.Globalization;
using System.Text;
using Dapper;
using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Traffic;

namespace OutputGuard.ControlPlane.Store;

/// <summary>The gateways' traffic reports: each replaces its gateway's rows; answers sum over gateways.</summary>
public abstract partial class SqlControlPlaneStore
{
    private const int RowsPerInsert = 200;

    /// <inheritdoc />
    public async Task ReplaceTrafficAsync(
        string gatewayId, DateTimeOffset time, IReadOnlyList<DestinationTotals> destinations, IReadOnlyList<DeniedTotals> denied, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(denied);
        var at = time.ToUnixTimeMilliseconds();
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
        await connection.ExecuteAsync(Command("DELETE FROM traffic WHERE gateway_id = @gatewayId", new { gatewayId }, transaction, cancellationToken));
        await connection.ExecuteAsync(Command("DELETE FROM denied WHERE gateway_id = @gatewayId", new { gatewayId }, transaction, cancellationToken));
        foreach (var chunk in destinations.DistinctBy(d => d.Destination.Key).Chunk(RowsPerInsert))
        {
            var sql = new StringBuilder("INSERT INTO traffic (gateway_id, dkey, out_bytes, out_packets, in_bytes, in_packets, reported_at) VALUES ");
            var parameters = new DynamicParameters(new { gatewayId, at });
            for (var i = 0; i < chunk.Length; i++)
            {
                var d = chunk[i];
                sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : string.Empty)}(@gatewayId, @k{i}, @ob{i}, @op{i}, @ib{i}, @ip{i}, @at)");
                parameters.Add($"k{i}", d.Destination.Key);
                parameters.Add($"ob{i}", d.OutputBytes);
                parameters.Add($"op{i}", d.OutputPackets);
                parameters.Add($"ib{i}", d.InputBytes);
                parameters.Add($"ip{i}", d.InputPackets);
            }

            await connection.ExecuteAsync(Command(sql.ToString(), parameters, transaction, cancellationToken));
        }

        foreach (var chunk in denied.DistinctBy(d => (d.Address, d.Protocol, d.Port)).Chunk(RowsPerInsert))
        {
            var sql = new StringBuilder("INSERT INTO denied (gateway_id, address, protocol, port, packets, bytes, last_seen) VALUES ");
            var parameters = new DynamicParameters(new { gatewayId });
            for (var i = 0; i < chunk.Length; i++)
            {
                var d = chunk[i];
                sql.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : string.Empty)}(@gatewayId, @a{i}, @pr{i}, @po{i}, @pk{i}, @by{i}, @ls{i})");
                parameters.Add($"a{i}", d.Address);
                parameters.Add($"pr{i}", d.Protocol);
                parameters.Add($"po{i}", d.Port);
                parameters.Add($"pk{i}", d.Packets);
                parameters.Add($"by{i}", d.Bytes);
                parameters.Add($"ls{i}", d.LastSeen.ToUnixTimeMilliseconds());
            }

            await connection.ExecuteAsync(Command(sql.ToString(), parameters, transaction, cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DestinationTotals>> ListTrafficAsync(string? gatewayId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<TrafficSumRow>(Command(
            "SELECT dkey AS DKey, SUM(out_bytes) AS OutBytes, SUM(out_packets) AS OutPackets, SUM(in_bytes) AS InBytes, " +
            "SUM(in_packets) AS InPackets, COUNT(*) AS Gateways, MAX(reported_at) AS ReportedAt FROM traffic " +
            "WHERE (@gatewayId IS NULL OR gateway_id = @gatewayId) GROUP BY dkey " +
            "ORDER BY SUM(out_bytes) + SUM(in_bytes) DESC, dkey LIMIT @limit",
            new { gatewayId, limit },
            null,
            cancellationToken));
        return rows.Select(r => new DestinationTotals(
            Destination.ParseKey(r.DKey), (long)r.OutBytes, (long)r.OutPackets, (long)r.InBytes, (long)r.InPackets, (int)r.Gateways, FromUnixMs(r.ReportedAt)))
            .ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeniedTotals>> ListDeniedAsync(string? gatewayId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<DeniedSumRow>(Command(
            "SELECT address AS Address, protocol AS Protocol, port AS Port, SUM(packets) AS Packets, SUM(bytes) AS Bytes, " +
            "MAX(last_seen) AS LastSeen, COUNT(*) AS Gateways FROM denied WHERE (@gatewayId IS NULL OR gateway_id = @gatewayId) " +
            "GROUP BY address, protocol, port ORDER BY SUM(packets) DESC, address, protocol, port LIMIT @limit",
            new { gatewayId, limit },
            null,
            cancellationToken));
        return rows.Select(r => new DeniedTotals(r.Address, (int)r.Protocol, (int)r.Port, (long)r.Packets, (long)r.Bytes, FromUnixMs(r.LastSeen), (int)r.Gateways))
            .ToList();
    }

    private sealed class TrafficSumRow
    {
        public string DKey { get; set; } = string.Empty;

        public decimal OutBytes { get; set; }

        public decimal OutPackets { get; set; }

        public decimal InBytes { get; set; }

        public decimal InPackets { get; set; }

        public long Gateways { get; set; }

        public long ReportedAt { get; set; }
    }

    private sealed class DeniedSumRow
    {
        public string Address { get; set; } = string.Empty;

        public long Protocol { get; set; }

        public long Port { get; set; }

        public decimal Packets { get; set; }

        public decimal Bytes { get; set; }

        public long LastSeen { get; set; }

        public long Gateways { get; set; }
    }
}
