using System.Text;
using Dapper;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Gateways;

namespace OutputGuard.ControlPlane.Store;

/// <summary>The gateway registry, the audit log and the self-created tokens.</summary>
public abstract partial class SqlControlPlaneStore
{
    private const int RegistryIdsPerStatement = 200;
    private static readonly string[] GatewayTrafficTables = ["traffic_reports", "traffic", "denied"];

    /// <inheritdoc />
    public Task UpsertGatewayAsync(GatewayRecord gateway, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        return UpsertGatewaysAsync([gateway], cancellationToken);
    }

    /// <inheritdoc />
    public async Task UpsertGatewaysAsync(IReadOnlyCollection<GatewayRecord> gateways, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateways);
        foreach (var chunk in gateways.Chunk(RegistryIdsPerStatement))
        {
            var rows = chunk.Select(gateway => new GatewayRow
            {
                Id = gateway.Id,
                Hostname = gateway.Hostname,
                Version = gateway.Version,
                AppliedRevision = gateway.AppliedRevision,
                LastSeen = gateway.LastSeen.ToUnixTimeMilliseconds(),
                Connected = gateway.Connected,
                ElementCount = gateway.ElementCount,
                TokenName = gateway.TokenName,
                Replica = gateway.Replica,
                StoreId = gateway.StoreId,
                Observe = gateway.Observe,
                Kind = gateway.Kind,
            }).ToList();
            await WriteChunkAsync(
                (connection, transaction) => connection.ExecuteAsync(Command(UpsertGatewaySql, rows, transaction, cancellationToken)),
                cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task TouchGatewaysAsync(IReadOnlyCollection<string> gatewayIds, string replica, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gatewayIds);
        foreach (var ids in gatewayIds.Chunk(RegistryIdsPerStatement))
        {
            await WriteChunkAsync(
                (connection, transaction) => connection.ExecuteAsync(Command(
                    "UPDATE gateways SET last_seen = @At WHERE replica = @Replica AND connected = 1 AND id IN @Ids",
                    new { At = at.ToUnixTimeMilliseconds(), Replica = replica, Ids = ids },
                    transaction,
                    cancellationToken)),
                cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task MarkGatewayDisconnectedAsync(string gatewayId, string replica, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteChunkAsync(
            (connection, transaction) => connection.ExecuteAsync(Command(
                "UPDATE gateways SET connected = 0, last_seen = @At WHERE id = @Id AND replica = @Replica",
                new { At = at.ToUnixTimeMilliseconds(), Id = gatewayId, Replica = replica },
                transaction,
                cancellationToken)),
            cancellationToken);

    /// <inheritdoc />
    public async Task<int> PruneGatewaysAsync(DateTimeOffset lastSeenBefore, CancellationToken cancellationToken)
    {
        var pruned = 0;
        while (true)
        {
            var removed = await WriteChunkAsync(
                async (connection, transaction) =>
                {
                    var ids = (await connection.QueryAsync<string>(Command(
                        $"SELECT id FROM gateways WHERE last_seen < @Before ORDER BY last_seen LIMIT {RegistryIdsPerStatement}",
                        new { Before = lastSeenBefore.ToUnixTimeMilliseconds() },
                        transaction,
                        cancellationToken))).ToList();
                    if (ids.Count == 0)
                    {
                        return 0;
                    }

                    foreach (var table in GatewayTrafficTables)
                    {
                        await connection.ExecuteAsync(Command($"DELETE FROM {table} WHERE gateway_id IN @Ids", new { Ids = ids }, transaction, cancellationToken));
                    }

                    return await connection.ExecuteAsync(Command("DELETE FROM gateways WHERE id IN @Ids", new { Ids = ids }, transaction, cancellationToken));
                },
                cancellationToken);
            pruned += removed;
            if (removed < RegistryIdsPerStatement)
            {
                return pruned;
            }
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<GatewayRecord>> ListGatewaysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<GatewayRow>(Command(
            "SELECT id AS Id, hostname AS Hostname, version AS Version, applied_revision AS AppliedRevision, " +
            "last_seen AS LastSeen, connected AS Connected, element_count AS ElementCount, token_name AS TokenName, " +
            "replica AS Replica, store_id AS StoreId, observe AS Observe, kind AS Kind FROM gateways ORDER BY last_seen DESC, id",
            null,
            null,
            cancellationToken));
        return rows.Select(r => new GatewayRecord(
            r.Id, r.Hostname, r.Version, r.AppliedRevision, FromUnixMs(r.LastSeen), r.Connected, r.ElementCount, r.TokenName, r.Replica, r.StoreId, r.Observe, r.Kind))
            .ToList();
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditEvent>> ListAuditEventsAsync(AuditFilter filter, long beforeId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (limit <= 0)
        {
            return [];
        }

        var sql = new StringBuilder(
            "SELECT id AS Id, at AS At, actor AS Actor, action AS Action, entry_id AS EntryId, before_json AS BeforeJson, " +
            "after_json AS AfterJson, revision AS Revision FROM audit WHERE 1 = 1");
        var parameters = new DynamicParameters();
        if (beforeId > 0)
        {
            sql.Append(" AND id < @BeforeId");
            parameters.Add("BeforeId", beforeId);
        }

        if (filter.Actor is { } actor)
        {
            sql.Append(" AND actor = @Actor");
            parameters.Add("Actor", actor);
        }

        if (filter.EntryId is { } entryId)
        {
            sql.Append(" AND entry_id = @EntryId");
            parameters.Add("EntryId", entryId);
        }

        if (filter.From is { } from)
        {
            sql.Append(" AND at >= @From");
            parameters.Add("From", from.ToUnixTimeMilliseconds());
        }

        if (filter.To is { } to)
        {
            sql.Append(" AND at < @To");
            parameters.Add("To", to.ToUnixTimeMilliseconds());
        }

        sql.Append(" ORDER BY id DESC LIMIT @Limit");
        parameters.Add("Limit", limit);
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<AuditRow>(Command(sql.ToString(), parameters, null, cancellationToken));
        return rows.Select(r => new AuditEvent(
            r.Id, FromUnixMs(r.At), r.Actor, r.Action, r.EntryId, r.BeforeJson, r.AfterJson, r.Revision)).ToList();
    }

    /// <inheritdoc />
    public async Task AppendAuditAsync(string actor, string action, string? after, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(actor);
        ArgumentException.ThrowIfNullOrEmpty(action);
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(Command(
            InsertAuditSql,
            new
            {
                At = Time.GetUtcNow().ToUnixTimeMilliseconds(),
                Actor = actor,
                Action = action,
                EntryId = (long?)null,
                BeforeJson = (string?)null,
                AfterJson = after,
                Revision = 0L,
            },
            null,
            cancellationToken));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredToken>> ListStoredTokensAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<StoredTokenRow>(Command(
            "SELECT name AS Name, role AS Role, sha256 AS Sha256, created_at AS CreatedAt, retired_at AS RetiredAt FROM stored_tokens ORDER BY created_at, name",
            null,
            null,
            cancellationToken));
        return rows.Select(r => new StoredToken(r.Name, r.Role, r.Sha256, FromUnixMs(r.CreatedAt), r.RetiredAt is { } at ? FromUnixMs(at) : null)).ToList();
    }

    /// <inheritdoc />
    public Task<int> RetireStoredTokensAsync(CancellationToken cancellationToken) =>
        WriteChunkAsync(
            (connection, transaction) => connection.ExecuteAsync(Command(
                "UPDATE stored_tokens SET sha256 = '', retired_at = @At WHERE retired_at IS NULL",
                new { At = Time.GetUtcNow().ToUnixTimeMilliseconds() },
                transaction,
                cancellationToken)),
            cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryCreateFirstTokenAsync(StoredToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var row = new StoredTokenRow
        {
            Name = token.Name,
            Role = token.Role,
            Sha256 = token.Sha256Hex,
            CreatedAt = token.CreatedAt.ToUnixTimeMilliseconds(),
        };

        // Inside the writers' lock: of two replicas starting at once, the second sees the first's row.
        return WriteAsync(
            async w => await w.Connection.ExecuteAsync(w.Command(InsertFirstTokenSql, row)) == 1,
            cancellationToken);
    }
}
