using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Traffic;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>
/// outputguard.v1.GatewaySync/Sync: Hello, then deltas from the change log or a snapshot, then every
/// new revision as it is committed; acks update the registry. The session subscribes to the feed
/// before it catches up, and skips what it already sent, so no revision falls between the two.
/// </summary>
public sealed partial class GatewaySyncApi(
    IControlPlaneStore store,
    ChangeFeed feed,
    GatewayRegistry registry,
    IOptions<ControlPlaneOptions> options,
    TimeProvider time,
    ILogger<GatewaySyncApi> logger) : GatewaySync.GatewaySyncBase
{
    private const int CatchUpBatch = 1000;

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanSync)]
    public override async Task Sync(
        IAsyncStreamReader<GatewayMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        var hello = await ReadHelloAsync(requestStream, context.CancellationToken);
        var tokenName = context.GetHttpContext().User.Identity!.Name!;
        var storeId = await store.GetStoreIdAsync(context.CancellationToken);
        var session = await registry.ConnectAsync(
            hello.GatewayId, hello.Hostname, hello.Version, hello.AppliedRevision, hello.ElementCount, tokenName,
            hello.StoreId, options.Value.StreamQueueCapacity, context.CancellationToken);
        session.StoreId = storeId;
        feed.Subscribe(session);

        // The Hello is accepted: say so now, not with the first message (a gateway at the current revision gets none).
        await context.WriteResponseHeadersAsync(new Metadata());
        LogConnected(logger, hello.GatewayId, hello.Hostname, hello.AppliedRevision);
        var lifetime = session.Lifetime.Token;
        var reader = ReadAcksAsync(requestStream, session, lifetime);
        try
        {
            if (hello.StoreId != storeId)
            {
                // Its state came from another store (or it cannot say): its revisions mean nothing here.
                LogOtherStore(logger, hello.GatewayId, hello.StoreId, storeId);
                await SendSnapshotAsync(session, responseStream, lifetime);
            }
            else
            {
                await CatchUpAsync(session, hello.AppliedRevision, responseStream, lifetime);
            }
            while (await session.Reader.WaitToReadAsync(lifetime))
            {
                if (session.IsLagging)
                {
                    LogLagging(logger, session.GatewayId, session.SentRevision);
                    await SendSnapshotAsync(session, responseStream, lifetime);
                    continue;
                }

                if (!session.Reader.TryRead(out var item))
                {
                    continue;
                }

                if (item.Change is not { } change)
                {
                    await SendSnapshotAsync(session, responseStream, lifetime);
                }
                else if (change.Revision == session.SentRevision + 1)
                {
                    await SendDeltaAsync(session, change, responseStream, lifetime);
                }
                else if (change.Revision > session.SentRevision + 1)
                {
                    await CatchUpAsync(session, session.SentRevision, responseStream, lifetime);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The gateway went away, closed its side, or connected again elsewhere on this replica.
        }
        catch (IOException)
        {
            // The connection broke while writing.
        }
        finally
        {
            feed.Unsubscribe(session);
            await session.Lifetime.CancelAsync();
            await reader;
            await registry.DisconnectAsync(session);
            session.Lifetime.Dispose();
            LogDisconnected(logger, session.GatewayId, session.AckedRevision);
        }
    }

    private static async Task<Hello> ReadHelloAsync(IAsyncStreamReader<GatewayMessage> requestStream, CancellationToken cancellationToken)
    {
        if (!await requestStream.MoveNext(cancellationToken) || requestStream.Current.KindCase != GatewayMessage.KindOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message of a sync stream must be hello"));
        }

        var hello = requestStream.Current.Hello;
        if (string.IsNullOrWhiteSpace(hello.GatewayId) || hello.GatewayId.Length > 128)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello.gateway_id is required (1 to 128 characters)"));
        }

        if (hello.StoreId.Length > 64)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello.store_id is at most 64 characters"));
        }

        if (hello.AppliedRevision < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello.applied_revision must not be negative"));
        }

        return hello;
    }

    private async Task ReadAcksAsync(IAsyncStreamReader<GatewayMessage> requestStream, GatewaySession session, CancellationToken cancellationToken)
    {
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                switch (requestStream.Current.KindCase)
                {
                    case GatewayMessage.KindOneofCase.Ack:
                        var ack = requestStream.Current.Ack;
                        await registry.AcknowledgeAsync(session, ack.Revision, ack.ElementCount, cancellationToken);
                        break;
                    case GatewayMessage.KindOneofCase.Refused:
                        var refused = requestStream.Current.Refused;
                        LogRefused(logger, session.GatewayId, refused.Total, refused.Revision, refused.Destinations.FirstOrDefault()?.Reason ?? string.Empty);
                        break;
                    case GatewayMessage.KindOneofCase.Traffic:
                        var (destinations, denied) = TrafficReports.Read(requestStream.Current.Traffic, time.GetUtcNow());
                        await store.ReplaceTrafficAsync(session.GatewayId, requestStream.Current.Traffic.Time?.ToDateTimeOffset() ?? time.GetUtcNow(), destinations, denied, cancellationToken);
                        break;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or RpcException or InvalidOperationException)
        {
            // The stream ended; the writer side ends too.
        }
        finally
        {
            await session.Lifetime.CancelAsync();
        }
    }

    private async Task CatchUpAsync(GatewaySession session, long fromRevision, IServerStreamWriter<ControlMessage> stream, CancellationToken cancellationToken)
    {
        var current = await store.GetRevisionAsync(cancellationToken);
        if (fromRevision == current)
        {
            session.SentRevision = fromRevision;
            return;
        }

        if (fromRevision == 0 || fromRevision > current)
        {
            await SendSnapshotAsync(session, stream, cancellationToken);
            return;
        }

        session.SentRevision = fromRevision;
        while (session.SentRevision < current)
        {
            var changes = await store.GetChangesAsync(session.SentRevision, CatchUpBatch, cancellationToken);
            if (changes is null || changes.Count == 0)
            {
                await SendSnapshotAsync(session, stream, cancellationToken);
                return;
            }

            foreach (var change in changes)
            {
                await SendDeltaAsync(session, change, stream, cancellationToken);
            }
        }
    }

    private async Task SendSnapshotAsync(GatewaySession session, IServerStreamWriter<ControlMessage> stream, CancellationToken cancellationToken)
    {
        session.BeginSnapshot();
        var snapshot = await store.GetDesiredStateAsync(cancellationToken);
        var storeId = await store.GetStoreIdAsync(cancellationToken);
        var partSize = options.Value.SnapshotPartSize;
        var part = 0;
        var offset = 0;
        do
        {
            var message = new Snapshot { Revision = snapshot.Revision, Part = part++, StoreId = storeId };
            message.Destinations.AddRange(snapshot.Destinations.Skip(offset).Take(partSize).Select(d => d.ToProto()));
            offset += partSize;
            message.Last = offset >= snapshot.Destinations.Count;
            await stream.WriteAsync(new ControlMessage { Snapshot = message }, cancellationToken);
        }
        while (offset < snapshot.Destinations.Count);

        session.SentRevision = snapshot.Revision;
        LogSnapshot(logger, session.GatewayId, snapshot.Revision, snapshot.Destinations.Count);
    }

    private static async Task SendDeltaAsync(GatewaySession session, RevisionChange change, IServerStreamWriter<ControlMessage> stream, CancellationToken cancellationToken)
    {
        var delta = new Delta { Revision = change.Revision };
        delta.Add.AddRange(change.Added.Select(d => d.ToProto()));
        delta.Remove.AddRange(change.Removed.Select(d => d.ToProto()));
        await stream.WriteAsync(new ControlMessage { Delta = delta }, cancellationToken);
        session.SentRevision = change.Revision;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} ({Hostname}) connected at applied revision {Revision}")]
    private static partial void LogConnected(ILogger logger, string gatewayId, string hostname, long revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} disconnected; last acknowledged revision {Revision}")]
    private static partial void LogDisconnected(ILogger logger, string gatewayId, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayId} fell behind at revision {Revision}: its queue was full; it gets a snapshot")]
    private static partial void LogLagging(ILogger logger, string gatewayId, long revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} holds state of store '{TheirStore}', not of this store '{OurStore}'; it gets a snapshot")]
    private static partial void LogOtherStore(ILogger logger, string gatewayId, string theirStore, string ourStore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayId} refused {Count} malformed destination(s) of revision {Revision}, e.g.: {Reason}")]
    private static partial void LogRefused(ILogger logger, string gatewayId, int count, long revision, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent gateway {GatewayId} a snapshot of revision {Revision} with {Count} destinations")]
    private static partial void LogSnapshot(ILogger logger, string gatewayId, long revision, int count);
}
