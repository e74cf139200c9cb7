using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Auth;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Gateways;

/// <summary>A gateway as operators see it: the stored row plus what this replica knows live.</summary>
/// <param name="Record">The registry row (<see cref="GatewayRecord.Connected"/> false when no replica vouches for the stream any more).</param>
/// <param name="Queued">Items waiting in its send queue on this replica (0 if another replica serves it).</param>
/// <param name="SnapshotsSent">Snapshots sent on its current stream on this replica.</param>
/// <param name="PruneAt">When its row will be pruned if it stays gone.</param>
public sealed record GatewayView(GatewayRecord Record, int Queued, long SnapshotsSent, DateTimeOffset PruneAt)
{
    /// <summary>Whether the gateway is gone: no replica holds its stream.</summary>
    public bool Gone => !Record.Connected;
}

/// <summary>
/// The gateways: registry rows in the store (so every replica and every operator sees them) and the
/// sessions this replica serves. A gateway token claims only the ids of its scope, holds at most
/// <see cref="ControlPlaneOptions.MaxStreamsPerToken"/> streams, and a stream replaces an open one of the same
/// id only when it comes with the same token. A session is in <see cref="ConnectedCount"/> exactly while
/// its stream is open: it is added when its Hello is accepted (taken out again when its row cannot be written) and
/// removed before anything can fail. Rows of Hellos and acks are written with group commit (<see cref="RegistryRowWriter"/>).
/// </summary>
public sealed class GatewayRegistry(IControlPlaneStore store, TimeProvider time, IOptions<ControlPlaneOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, GatewaySession> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GatewaySession, byte> _unrecordedDisconnects = new();
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly RegistryRowWriter _rows = new(store);

    /// <summary>This replica's name in the registry: host name and process id.</summary>
    public static string ReplicaName { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>How many gateway streams this replica serves.</summary>
    public int ConnectedCount => _sessions.Count;

    /// <summary>How many store writes the registry rows of Hellos and acks took (group commit: far fewer than rows).</summary>
    public long RowWrites => _rows.Writes;

    /// <summary>Messages waiting in this replica's gateway queues.</summary>
    public int QueuedTotal => _sessions.Values.Sum(s => s.Queued);

    /// <summary>
    /// Registers a new stream of <paramref name="hello"/>'s gateway for <paramref name="token"/>: checks its scope,
    /// the token's stream cap and the identity of an open stream of the same id, writes the row, and only then
    /// ends the older stream it replaces. Throws an RpcException (nothing registered) when refused.
    /// </summary>
    public async Task<GatewaySession> ConnectAsync(
        Hello hello, KnownToken token, long currentRevision, CancellationTokenSource lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(hello);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(lifetime);
        var id = hello.GatewayId;
        if (!token.Scope.Allows(id))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, string.Create(
                CultureInfo.InvariantCulture,
                $"token '{token.Name}' may not claim gateway id {InputLimits.Quote(id)}; it may claim {InputLimits.Quote(token.Scope.Description)} (gateway_ids of the token)")));
        }

        GatewaySession session;
        GatewaySession? previous;
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            _sessions.TryGetValue(id, out previous);
            if (previous is not null && previous.TokenName != token.Name)
            {
                throw new RpcException(new Status(StatusCode.AlreadyExists, string.Create(
                    CultureInfo.InvariantCulture,
                    $"gateway id {InputLimits.Quote(id)} is connected with another token; only a stream with that token replaces it")));
            }

            var open = _sessions.Values.Count(s => s.TokenName == token.Name && s != previous);
            var cap = options.Value.MaxStreamsPerToken;
            if (open >= cap)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, string.Create(
                    CultureInfo.InvariantCulture,
                    $"token '{token.Name}' holds {open} sync streams; at most {cap} are allowed (max_streams_per_token)")));
            }

            // A revision above ours is no revision of this store: the gateway gets a snapshot and shows 0 until it acks.
            var applied = hello.AppliedRevision <= currentRevision ? hello.AppliedRevision : 0;
            session = new GatewaySession(id, token.Name, options.Value.StreamQueueCapacity, lifetime) { AckedRevision = applied };
            session.Offer(applied);
            session.Row = new GatewayRecord(
                id, hello.Hostname, hello.Version, applied, time.GetUtcNow(), true, hello.ElementCount, token.Name, ReplicaName, hello.StoreId, hello.Observe);
            _sessions[id] = session;
        }
        finally
        {
            _connecting.Release();
        }

        // Outside the lock, so that the rows of a reconnect storm's Hellos are written together.
        try
        {
            await _rows.WriteAsync(session.Row);
        }
        catch
        {
            if (previous is null)
            {
                _sessions.TryRemove(new KeyValuePair<string, GatewaySession>(id, session));
            }
            else
            {
                _sessions.TryUpdate(id, previous, session);
            }

            throw;
        }

        previous?.Fail(new RpcException(new Status(StatusCode.Aborted, "the gateway opened a new stream with the same id and token")));
        return session;
    }

    /// <summary>
    /// Registers a legacy WebSocket gateway (kind legacy, <c>legacy_api</c>): writes its row and only then ends an
    /// older socket of the same id, as <see cref="ConnectAsync"/> does for a stream. Its caps are the legacy API's.
    /// </summary>
    public async Task<GatewaySession> ConnectLegacyAsync(
        string gatewayId, string hostname, string actor, long revision, int capacity, CancellationTokenSource lifetime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            _sessions.TryGetValue(gatewayId, out var previous);
            var session = new GatewaySession(gatewayId, actor, capacity, lifetime) { AckedRevision = revision };
            session.Offer(revision);
            session.Row = new GatewayRecord(gatewayId, hostname, "legacy", revision, time.GetUtcNow(), true, 0, actor, ReplicaName, Kind: GatewayRecord.LegacyKind);
            await _rows.WriteAsync(session.Row);
            _sessions[gatewayId] = session;
            previous?.Fail(new RpcException(new Status(StatusCode.Aborted, "the legacy gateway opened a new socket with the same hostname")));
            return session;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>Records an acknowledged revision.</summary>
    public async Task AcknowledgeAsync(GatewaySession session, long revision, long elementCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        cancellationToken.ThrowIfCancellationRequested();
        session.AckedRevision = revision;
        // Whatever it acknowledges was sent from this store (another store's gateway gets a snapshot first).
        session.Row = session.Row! with
        {
            AppliedRevision = revision,
            ElementCount = elementCount,
            LastSeen = time.GetUtcNow(),
            Connected = true,
            StoreId = session.StoreId.Length > 0 ? session.StoreId : session.Row.StoreId,
        };
        // Not cancelled with the stream: the row is written before the stream's disconnect is (see RegistryRowWriter).
        await _rows.WriteAsync(session.Row);
    }

    /// <summary>
    /// Marks the stream closed (unless a newer stream of the gateway replaced it). It leaves
    /// <see cref="ConnectedCount"/> at once; if the store cannot record it now, <see cref="HeartbeatAsync"/> does later.
    /// Never throws.
    /// </summary>
    public async Task DisconnectAsync(GatewaySession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!_sessions.TryRemove(new KeyValuePair<string, GatewaySession>(session.GatewayId, session)) || session.Row is null)
        {
            return;
        }

        session.Row = session.Row with { Connected = false, LastSeen = time.GetUtcNow() };
        if (!await TryRecordDisconnectAsync(session))
        {
            _unrecordedDisconnects[session] = 0;
        }
    }

    /// <summary>
    /// Vouches for this replica's open streams (their rows' last_seen), records disconnects the store missed,
    /// and prunes rows of gateways gone longer than <see cref="ControlPlaneOptions.GatewayRetentionSeconds"/>.
    /// Returns the rows pruned.
    /// </summary>
    public async Task<int> HeartbeatAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var live = _sessions.Values.Select(s => s.GatewayId).ToList();
        if (live.Count > 0)
        {
            await store.TouchGatewaysAsync(live, ReplicaName, now, cancellationToken);
        }

        foreach (var session in _unrecordedDisconnects.Keys)
        {
            if (_sessions.TryGetValue(session.GatewayId, out var newer) && newer != session)
            {
                _unrecordedDisconnects.TryRemove(session, out _);
            }
            else if (await TryRecordDisconnectAsync(session))
            {
                _unrecordedDisconnects.TryRemove(session, out _);
            }
        }

        return await store.PruneGatewaysAsync(now - TimeSpan.FromSeconds(options.Value.GatewayRetentionSeconds), cancellationToken);
    }

    /// <summary>Every gateway with what this replica knows live; a row no replica vouched for recently is shown as gone.</summary>
    public async Task<IReadOnlyList<GatewayView>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await store.ListGatewaysAsync(cancellationToken);
        var staleBefore = time.GetUtcNow() - TimeSpan.FromSeconds(options.Value.GatewayGoneAfterSeconds);
        var retention = TimeSpan.FromSeconds(options.Value.GatewayRetentionSeconds);
        return rows.Select(r =>
        {
            if (_sessions.TryGetValue(r.Id, out var s))
            {
                return new GatewayView(r with { Connected = true }, s.Queued, s.SnapshotsSent, r.LastSeen + retention);
            }

            var record = r.Connected && r.LastSeen < staleBefore ? r with { Connected = false } : r;
            return new GatewayView(record, 0, 0, r.LastSeen + retention);
        }).ToList();
    }

    /// <inheritdoc />
    public void Dispose() => _connecting.Dispose();

    /// <summary>The session this replica serves for a gateway, if any.</summary>
    public GatewaySession? Session(string gatewayId) => _sessions.GetValueOrDefault(gatewayId);

    private async Task<bool> TryRecordDisconnectAsync(GatewaySession session)
    {
        try
        {
            await store.MarkGatewayDisconnectedAsync(session.GatewayId, ReplicaName, session.Row!.LastSeen, CancellationToken.None);
            return true;
        }
#pragma warning disable CA1031 // The store may fail in any way; the heartbeat retries, the stream is gone either way.
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }
}
