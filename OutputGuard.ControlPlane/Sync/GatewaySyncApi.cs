using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Auth;
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
/// Response headers go out as soon as the Hello is accepted; a gateway that closes its sending side keeps
/// receiving until it cancels or the server stops; a gateway that takes no message for
/// <see cref="ControlPlaneOptions.StreamWriteTimeoutSeconds"/> is cut off. Whatever ends the stream, one
/// <c>finally</c> unregisters it.
/// </summary>
public sealed partial class GatewaySyncApi(
    IControlPlaneStore store,
    ChangeFeed feed,
    GatewayRegistry registry,
    SnapshotCache snapshots,
    TrafficWriter traffic,
    TokenRegistry tokens,
    Learning.DomainRuleSource domainRules,
    Learning.LearnedAddressIntake learned,
    IHostApplicationLifetime application,
    IOptions<ControlPlaneOptions> options,
    ILogger<GatewaySyncApi> logger) : GatewaySync.GatewaySyncBase
{
    private const int CatchUpBatch = 1000;
    private static readonly TimeSpan HelloTimeout = TimeSpan.FromSeconds(10);

    /// <inheritdoc />
    [Authorize(Policy = Roles.CanSync)]
    public override async Task Sync(
        IAsyncStreamReader<GatewayMessage> requestStream, IServerStreamWriter<ControlMessage> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var tokenName = context.GetHttpContext().User.Identity!.Name!;
        var token = tokens.Named(tokenName)
            ?? throw new RpcException(new Status(StatusCode.PermissionDenied, $"token '{tokenName}' is no longer configured"));
        var hello = await ReadHelloAsync(requestStream, context.CancellationToken);
        var current = await store.GetRevisionAsync(context.CancellationToken);
        var storeId = await store.GetStoreIdAsync(context.CancellationToken);
        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, application.ApplicationStopping);
        GatewaySession session;
        try
        {
            session = await registry.ConnectAsync(hello, token, current, lifetime, context.CancellationToken);
            session.StoreId = storeId;
        }
        catch
        {
            lifetime.Dispose();
            LogRefused(logger, InputLimits.Quote(hello.GatewayId), tokenName);
            throw;
        }

        Task reader = Task.CompletedTask;
        try
        {
            feed.Subscribe(session);
            if (hello.WantsDomainRules)
            {
                domainRules.Subscribe(session);
            }

            await context.WriteResponseHeadersAsync(new Metadata());
            LogConnected(logger, session.GatewayId, hello.Hostname, hello.AppliedRevision);
            reader = ReadGatewayMessagesAsync(requestStream, session, session.Lifetime.Token);
            var sameStore = hello.StoreId == storeId;
            if (!sameStore)
            {
                // Its state came from another store (or it cannot say): its revisions mean nothing here.
                LogOtherStore(logger, session.GatewayId, InputLimits.Quote(hello.StoreId), storeId);
            }

            await ServeAsync(session, sameStore ? session.AckedRevision : null, new GatewayStreamWriter(responseStream, context, options.Value, session, logger));
        }
        finally
        {
            feed.Unsubscribe(session);
            domainRules.Unsubscribe(session);
            await session.Lifetime.CancelAsync();
            await reader;
            await registry.DisconnectAsync(session);
            session.Lifetime.Dispose();
            LogDisconnected(logger, session.GatewayId, session.AckedRevision);
        }

        if (session.Fault is { } fault)
        {
            throw fault;
        }
    }

    /// <summary>Catches the gateway up from <paramref name="fromRevision"/> (a snapshot first when null), then streams every change.</summary>
    private async Task ServeAsync(GatewaySession session, long? fromRevision, GatewayStreamWriter stream)
    {
        var lifetime = session.Lifetime.Token;
        try
        {
            if (fromRevision is { } from)
            {
                await CatchUpAsync(session, from, stream, lifetime);
            }
            else
            {
                await SendSnapshotAsync(session, stream, lifetime);
            }

            await Learning.DomainRuleSender.SendIfNewAsync(domainRules, session, stream.WriteAsync, lifetime);
            while (await session.Reader.WaitToReadAsync(lifetime))
            {
                if (session.IsLagging)
                {
                    LogLagging(logger, session.GatewayId, session.SentRevision);
                    await SendSnapshotAsync(session, stream, lifetime);
                    continue;
                }

                if (!session.Reader.TryRead(out var item))
                {
                    continue;
                }

                if (item.Learned is { } passOn)
                {
                    await stream.WriteAsync(new ControlMessage { Learned = passOn }, lifetime);
                    continue;
                }

                if (item.IsDomainRules)
                {
                    await Learning.DomainRuleSender.SendIfNewAsync(domainRules, session, stream.WriteAsync, lifetime);
                    continue;
                }

                if (item.Change is not { } change)
                {
                    await SendSnapshotAsync(session, stream, lifetime);
                }
                else if (change.Revision == session.SentRevision + 1)
                {
                    await SendDeltaAsync(session, item, stream, lifetime);
                }
                else if (change.Revision > session.SentRevision + 1)
                {
                    await CatchUpAsync(session, session.SentRevision, stream, lifetime);
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
        {
            // The gateway went away, connected again, broke a rule or stalled; or the server stops.
        }
        catch (IOException)
        {
            // The connection broke while writing.
        }
    }

    private static async Task<Hello> ReadHelloAsync(IAsyncStreamReader<GatewayMessage> requestStream, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(HelloTimeout);
        bool moved;
        try
        {
            moved = await requestStream.MoveNext(deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "no hello within 10 s of opening the sync stream"));
        }

        if (!moved || requestStream.Current.KindCase != GatewayMessage.KindOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the first message of a sync stream must be hello"));
        }

        var hello = requestStream.Current.Hello;
        SyncInput.CheckHello(hello);
        return hello;
    }

    /// <summary>
    /// Reads acks and traffic reports until the gateway closes its side (the stream stays open for sending),
    /// the stream ends, or the gateway breaks a rule (the stream ends with the reason). Never throws.
    /// </summary>
    private async Task ReadGatewayMessagesAsync(IAsyncStreamReader<GatewayMessage> requestStream, GatewaySession session, CancellationToken cancellationToken)
    {
        var storeFailing = false;
        try
        {
            while (await requestStream.MoveNext(cancellationToken))
            {
                var message = requestStream.Current;
                try
                {
                    switch (message.KindCase)
                    {
                        case GatewayMessage.KindOneofCase.Ack:
                            SyncInput.CheckAck(message.Ack, session.OfferedRevision);
                            await registry.AcknowledgeAsync(session, message.Ack.Revision, message.Ack.ElementCount, cancellationToken);
                            break;
                        case GatewayMessage.KindOneofCase.Traffic:
                            // Reports beyond the rate the writer keeps up with wait here, so a flood is slowed by the
                            // gateway's own flow control instead of costing this process unbounded parsing.
                            await traffic.AdmitAsync(message.Traffic, cancellationToken);
                            traffic.Submit(session.GatewayId, message.Traffic);
                            break;
                        case GatewayMessage.KindOneofCase.Refused:
                            var refused = message.Refused;
                            LogRefusedDestinations(
                                logger, session.GatewayId, refused.Total, refused.Revision, InputLimits.Quote(refused.Destinations.FirstOrDefault()?.Reason ?? string.Empty));
                            break;
                        case GatewayMessage.KindOneofCase.Learned:
                            await learned.RecordAsync(session, message.Learned, cancellationToken);
                            break;
                        case GatewayMessage.KindOneofCase.Hello:
                            throw new RpcException(new Status(StatusCode.InvalidArgument, "hello may be sent only once, as the first message"));
                    }

                    storeFailing = false;
                }
                catch (Exception e) when (e is not (RpcException or OperationCanceledException))
                {
                    // The registry could not record an ack: the stream and the gateway's state are fine.
                    if (!storeFailing)
                    {
                        LogAckNotRecorded(logger, session.GatewayId, e);
                        storeFailing = true;
                    }
                }
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.InvalidArgument)
        {
            LogBrokeRule(logger, session.GatewayId, e.Status.Detail);
            session.Fail(e);
        }
#pragma warning disable CA1031 // The reading side ends however it ends; the stream's finally must run.
        catch (Exception)
#pragma warning restore CA1031
        {
            // The stream ended or broke; the writer side ends with the call.
        }
    }

    private async Task CatchUpAsync(GatewaySession session, long fromRevision, GatewayStreamWriter stream, CancellationToken cancellationToken)
    {
        // Most gateways that reconnect were away briefly: the feed still holds what they missed, read from the store once
        // for all of them. The session subscribed before this, so whatever the feed publishes later reaches its queue.
        if (fromRevision > 0 && feed.RecentAfter(fromRevision) is { } recent)
        {
            session.SentRevision = fromRevision;
            foreach (var item in recent)
            {
                await SendDeltaAsync(session, item, stream, cancellationToken);
            }

            return;
        }

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
                await SendDeltaAsync(session, new FeedItem(change), stream, cancellationToken);
            }
        }
    }

    private async Task SendSnapshotAsync(GatewaySession session, GatewayStreamWriter stream, CancellationToken cancellationToken)
    {
        session.BeginSnapshot();
        // The current revision or newer: streams that need a snapshot of the same revision share one read of it.
        var snapshot = await snapshots.GetAsync(Math.Max(session.SentRevision, await store.GetRevisionAsync(cancellationToken)), cancellationToken);
        session.Offer(snapshot.Revision);
        foreach (var part in snapshot.Parts)
        {
            await stream.WriteAsync(part, cancellationToken);
        }

        session.SentRevision = snapshot.Revision;
        LogSnapshot(logger, session.GatewayId, snapshot.Revision, snapshot.Count);
    }

    private static async Task SendDeltaAsync(GatewaySession session, FeedItem item, GatewayStreamWriter stream, CancellationToken cancellationToken)
    {
        var change = item.Change!;
        session.Offer(change.Revision);
        await stream.WriteAsync(item.Message ?? RevisionMessages.Delta(change), cancellationToken);
        session.SentRevision = change.Revision;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} ({Hostname}) connected at applied revision {Revision}")]
    private static partial void LogConnected(ILogger logger, string gatewayId, string hostname, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync stream of gateway {GatewayId} refused for token {TokenName}")]
    private static partial void LogRefused(ILogger logger, string gatewayId, string tokenName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} disconnected; last acknowledged revision {Revision}")]
    private static partial void LogDisconnected(ILogger logger, string gatewayId, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayId} fell behind at revision {Revision}: its queue was full; it gets a snapshot")]
    private static partial void LogLagging(ILogger logger, string gatewayId, long revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gateway {GatewayId} holds state of store {TheirStore}, not of this store '{OurStore}'; it gets a snapshot")]
    private static partial void LogOtherStore(ILogger logger, string gatewayId, string theirStore, string ourStore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayId} refused {Count} malformed destination(s) of revision {Revision}, e.g.: {Reason}")]
    private static partial void LogRefusedDestinations(ILogger logger, string gatewayId, int count, long revision, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent gateway {GatewayId} a snapshot of revision {Revision} with {Count} destinations")]
    private static partial void LogSnapshot(ILogger logger, string gatewayId, long revision, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayId}'s stream is ended: {Reason}")]
    private static partial void LogBrokeRule(ILogger logger, string gatewayId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry could not record an ack of gateway {GatewayId}; its stream goes on")]
    private static partial void LogAckNotRecorded(ILogger logger, string gatewayId, Exception exception);
}
