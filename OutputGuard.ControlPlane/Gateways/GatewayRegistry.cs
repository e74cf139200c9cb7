using System.Collections.Concurrent;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;

namespace OutputGuard.ControlPlane.Gateways;

/// <summary>A gateway as operators see it: the stored row plus what this replica knows live.</summary>
/// <param name="Record">The registry row.</param>
/// <param name="Queued">Items waiting in its send queue on this replica (0 if another replica serves it).</param>
/// <param name="SnapshotsSent">Snapshots sent on its current stream on this replica.</param>
public sealed record GatewayView(GatewayRecord Record, int Queued, long SnapshotsSent);

/// <summary>
/// The gateways: registry rows in the store (so every replica and every operator sees them) and the
/// sessions this replica serves. A gateway that connects again replaces its older session.
/// </summary>
public sealed class GatewayRegistry(IControlPlaneStore store, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, GatewaySession> _sessions = new(StringComparer.Ordinal);

    /// <summary>This replica's name in the registry: host name and process id.</summary>
    public static string ReplicaName { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>Registers a new stream; ends an older stream of the same gateway on this replica.</summary>
    public async Task<GatewaySession> ConnectAsync(
        string gatewayId, string hostname, string version, long appliedRevision, long elementCount, string tokenName,
        string storeId, int queueCapacity, CancellationToken streamToken)
    {
        var session = new GatewaySession(gatewayId, tokenName, queueCapacity, CancellationTokenSource.CreateLinkedTokenSource(streamToken))
        {
            AckedRevision = appliedRevision,
        };
        if (_sessions.TryGetValue(gatewayId, out var previous))
        {
            await previous.Lifetime.CancelAsync();
        }

        _sessions[gatewayId] = session;
        session.Row = new GatewayRecord(gatewayId, hostname, version, appliedRevision, time.GetUtcNow(), true, elementCount, tokenName, ReplicaName, storeId);
        await store.UpsertGatewayAsync(session.Row, streamToken);
        return session;
    }

    /// <summary>Records an acknowledged revision.</summary>
    public async Task AcknowledgeAsync(GatewaySession session, long revision, long elementCount, CancellationToken cancellationToken)
    {
        session.AckedRevision = revision;
        // Whatever it acknowledges was sent from this store (another store's gateway gets a snapshot first).
        session.Row = session.Row! with
        {
            AppliedRevision = revision, ElementCount = elementCount, LastSeen = time.GetUtcNow(), Connected = true,
            StoreId = session.StoreId.Length > 0 ? session.StoreId : session.Row.StoreId,
        };
        await store.UpsertGatewayAsync(session.Row, cancellationToken);
    }

    /// <summary>Marks the stream closed (unless a newer stream of the gateway replaced it).</summary>
    public async Task DisconnectAsync(GatewaySession session)
    {
        if (!_sessions.TryRemove(new KeyValuePair<string, GatewaySession>(session.GatewayId, session)))
        {
            return;
        }

        session.Row = session.Row! with { Connected = false, LastSeen = time.GetUtcNow() };
        await store.UpsertGatewayAsync(session.Row, CancellationToken.None);
    }

    /// <summary>Every gateway with what this replica knows live.</summary>
    public async Task<IReadOnlyList<GatewayView>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await store.ListGatewaysAsync(cancellationToken);
        return rows.Select(r => _sessions.TryGetValue(r.Id, out var s)
            ? new GatewayView(r, s.Queued, s.SnapshotsSent)
            : new GatewayView(r, 0, 0)).ToList();
    }

    /// <summary>How many gateway streams this replica serves.</summary>
    public int ConnectedCount => _sessions.Count;

    /// <summary>Messages waiting in this replica's gateway queues.</summary>
    public int QueuedTotal => _sessions.Values.Sum(s => s.Queued);

    /// <summary>The session this replica serves for a gateway, if any.</summary>
    public GatewaySession? Session(string gatewayId) => _sessions.GetValueOrDefault(gatewayId);
}
