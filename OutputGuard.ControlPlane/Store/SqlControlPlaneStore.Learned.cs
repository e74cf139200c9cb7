using Dapper;
using OutputGuard.ControlPlane.Learning;

namespace OutputGuard.ControlPlane.Store;

/// <summary>Addresses the gateways' DNS proxies learned: refreshed per (entry, gateway, address), expired rows removed.</summary>
public abstract partial class SqlControlPlaneStore
{
    /// <inheritdoc />
    public async Task RecordLearnedAsync(string gatewayId, IReadOnlyList<LearnedRecord> addresses, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var at = now.ToUnixTimeMilliseconds();
        await WriteChunkAsync(
            (c, t) => c.ExecuteAsync(Command("DELETE FROM learned_addresses WHERE expires <= @at", new { at }, t, cancellationToken)),
            cancellationToken);
        foreach (var chunk in addresses.Chunk(TrafficRowsPerChunk))
        {
            await WriteChunkAsync(async (c, t) =>
            {
                foreach (var a in chunk)
                {
                    var row = new
                    {
                        a.EntryId,
                        gatewayId,
                        a.Address,
                        a.Name,
                        Ttl = a.TtlSeconds,
                        FirstSeen = a.FirstSeen.ToUnixTimeMilliseconds(),
                        LastSeen = a.LastSeen.ToUnixTimeMilliseconds(),
                        Expires = a.Expires.ToUnixTimeMilliseconds(),
                    };
                    var updated = await c.ExecuteAsync(Command(
                        "UPDATE learned_addresses SET name = @Name, ttl = @Ttl, last_seen = @LastSeen, expires = @Expires " +
                        "WHERE entry_id = @EntryId AND gateway_id = @gatewayId AND address = @Address",
                        row, t, cancellationToken));
                    if (updated == 0)
                    {
                        await c.ExecuteAsync(Command(
                            "INSERT INTO learned_addresses (entry_id, gateway_id, address, name, ttl, first_seen, last_seen, expires) " +
                            "VALUES (@EntryId, @gatewayId, @Address, @Name, @Ttl, @FirstSeen, @LastSeen, @Expires)",
                            row, t, cancellationToken));
                    }
                }

                return chunk.Length;
            }, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<LearnedRecord>>> GetLearnedAsync(
        IReadOnlyCollection<long> entryIds, DateTimeOffset now, int perEntry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entryIds);
        var result = new Dictionary<long, IReadOnlyList<LearnedRecord>>();
        if (entryIds.Count == 0)
        {
            return result;
        }

        await using var connection = await OpenAsync(cancellationToken);
        var at = now.ToUnixTimeMilliseconds();
        foreach (var chunk in entryIds.Distinct().Chunk(500))
        {
            var rows = await connection.QueryAsync<LearnedRow>(Command(
                "SELECT entry_id AS EntryId, gateway_id AS GatewayId, address AS Address, name AS Name, ttl AS Ttl, " +
                "first_seen AS FirstSeen, last_seen AS LastSeen, expires AS Expires " +
                "FROM learned_addresses WHERE entry_id IN @chunk AND expires > @at ORDER BY entry_id, last_seen DESC, address",
                new { chunk, at },
                null,
                cancellationToken));
            foreach (var group in rows.GroupBy(r => r.EntryId))
            {
                result[group.Key] = [.. group.Take(perEntry).Select(r => new LearnedRecord(
                    r.EntryId, r.GatewayId, r.Address, r.Name, (int)r.Ttl, FromUnixMs(r.FirstSeen), FromUnixMs(r.LastSeen), FromUnixMs(r.Expires)))];
            }
        }

        return result;
    }

    private sealed class LearnedRow
    {
        public long EntryId { get; set; }

        public string GatewayId { get; set; } = string.Empty;

        public string Address { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public long Ttl { get; set; }

        public long FirstSeen { get; set; }

        public long LastSeen { get; set; }

        public long Expires { get; set; }
    }
}
