using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>
/// <c>GET /ws?hostname=H</c>: the replaced system's gateway WebSocket. On connect the gateway receives every address
/// of the allow-list it can hold (<see cref="LegacyAddresses"/>) as <c>{"ip", "action": "add", "IsLocalNet": false}</c>,
/// then every change as add or del; it sends a timestamp heartbeat every second. It is a gateway of kind legacy in
/// the registry (id <c>legacy:H</c>) while connected. Bounded: at most <c>legacy_api.max_sockets_per_source</c>
/// sockets per source address, a queue of <c>legacy_api.send_queue</c> revisions per socket (one that falls behind
/// is brought up to date by the difference to the current state), a send that the gateway does not take within
/// <c>stream_write_timeout_s</c> ends the socket, and so does silence longer than <c>gateway_gone_after_s</c>.
/// A slow socket holds only its own queue: the change feed never waits for it.
/// </summary>
public sealed partial class LegacyGatewaySocket(
    LegacyAccess access,
    GatewayRegistry registry,
    ChangeFeed feed,
    SnapshotCache snapshots,
    IControlPlaneStore store,
    IOptions<ControlPlaneOptions> options,
    IHostApplicationLifetime application,
    ILogger<LegacyGatewaySocket> logger)
{
    /// <summary>The registry id prefix of a legacy gateway.</summary>
    public const string IdPrefix = "legacy:";

    /// <summary>The largest message a legacy gateway may send (a heartbeat is a timestamp).</summary>
    public const int MaxIncomingMessage = 1024;

    private readonly ConcurrentDictionary<IPAddress, int> _perSource = new();

    /// <summary>Serves one WebSocket request.</summary>
    public async Task ServeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (caller, status, refusal) = await access.IdentifyAsync(context);
        if (caller is null || !caller.CanRead)
        {
            await LegacyJson.WriteResultAsync(context, caller is null ? status : StatusCodes.Status403Forbidden, refusal ?? $"role {caller!.Role} may not read the allow-list", success: false);
            return;
        }

        var hostname = context.Request.Query["hostname"] is { Count: 1 } h ? h[0] ?? string.Empty : string.Empty;
        if (!InputLimits.IsPrintableAscii(hostname, InputLimits.MaxGatewayId - IdPrefix.Length))
        {
            await LegacyJson.WriteResultAsync(context, StatusCodes.Status400BadRequest, string.Create(
                CultureInfo.InvariantCulture,
                $"hostname {InputLimits.Quote(hostname)} is not 1 to {InputLimits.MaxGatewayId - IdPrefix.Length} printable ASCII characters: /ws?hostname=H"), success: false);
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            await LegacyJson.WriteResultAsync(context, StatusCodes.Status400BadRequest, "/ws is a WebSocket: connect with ws://HOST:PORT/ws?hostname=H", success: false);
            return;
        }

        var cap = options.Value.LegacyApiMaxSocketsPerSource;
        if (_perSource.AddOrUpdate(caller.Address, 1, (_, n) => n + 1) > cap)
        {
            Release(caller.Address);
            await LegacyJson.WriteResultAsync(context, StatusCodes.Status429TooManyRequests, string.Create(
                CultureInfo.InvariantCulture, $"{caller.Address} holds {cap} legacy gateway sockets; at most {cap} are allowed (legacy_api.max_sockets_per_source)"), success: false);
            return;
        }

        try
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await ServeSocketAsync(context, socket, caller, hostname);
        }
        finally
        {
            Release(caller.Address);
        }
    }

    private async Task ServeSocketAsync(HttpContext context, WebSocket socket, LegacyCaller caller, string hostname)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, application.ApplicationStopping);
        var current = await store.GetRevisionAsync(lifetime.Token);
        var session = await registry.ConnectLegacyAsync(
            IdPrefix + hostname, hostname, caller.Actor, current, options.Value.LegacyApiSendQueue, lifetime, lifetime.Token);
        var link = new LegacyLink(socket, session, TimeSpan.FromSeconds(options.Value.StreamWriteTimeoutSeconds));
        Task receiving = Task.CompletedTask;
        try
        {
            feed.Subscribe(session);
            await store.AppendAuditAsync(caller.Actor, "legacy.ws.connect", JsonSerializer.Serialize(new Dictionary<string, string> { ["hostname"] = hostname }), lifetime.Token);
            LogConnected(logger, hostname, caller.Actor);
            receiving = ReceiveAsync(socket, session, lifetime);
            await SendAsync(link, session, lifetime.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The gateway left, was replaced, went silent, or did not take a message in time.
        }
        finally
        {
            feed.Unsubscribe(session);
            await lifetime.CancelAsync();
            await receiving;
            await registry.DisconnectAsync(session);
            await CloseAsync(socket);

            LogDisconnected(logger, hostname, link.Sent.Count, link.SentRevision);
        }
    }

    /// <summary>Sends the full list, then every change; catches a socket that fell behind up by the difference.</summary>
    private async Task SendAsync(LegacyLink link, GatewaySession session, CancellationToken cancellationToken)
    {
        await ResyncAsync(link, session, cancellationToken);
        while (await session.Reader.WaitToReadAsync(cancellationToken))
        {
            if (session.IsLagging)
            {
                session.BeginSnapshot();
                await ResyncAsync(link, session, cancellationToken);
                continue;
            }

            if (!session.Reader.TryRead(out var item))
            {
                continue;
            }

            if (item.Change is not { } change || change.Revision > link.SentRevision + 1)
            {
                await ResyncAsync(link, session, cancellationToken);
            }
            else if (change.Revision == link.SentRevision + 1)
            {
                await link.ApplyAsync(change, cancellationToken);
                await registry.AcknowledgeAsync(session, link.SentRevision, link.Sent.Count, cancellationToken);
            }
        }
    }

    private async Task ResyncAsync(LegacyLink link, GatewaySession session, CancellationToken cancellationToken)
    {
        // The shared snapshot, as the gRPC sync sends it: one store read for every stream and socket at a revision.
        var snapshot = await snapshots.GetAsync(Math.Max(link.SentRevision, await store.GetRevisionAsync(cancellationToken)), cancellationToken);
        await link.ReplaceAsync(snapshot.Revision, LegacyAddresses.Of(snapshot), cancellationToken);
        await registry.AcknowledgeAsync(session, link.SentRevision, link.Sent.Count, cancellationToken);
    }

    /// <summary>Reads heartbeats (any text up to <see cref="MaxIncomingMessage"/> bytes); silence, a close or a larger message ends the socket.</summary>
    private async Task ReceiveAsync(WebSocket socket, GatewaySession session, CancellationTokenSource lifetime)
    {
        var buffer = new byte[MaxIncomingMessage];
        var silence = TimeSpan.FromSeconds(options.Value.GatewayGoneAfterSeconds);
        try
        {
            while (!lifetime.IsCancellationRequested)
            {
                var received = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (received == buffer.Length)
                    {
                        LogTooLarge(logger, session.GatewayId);
                        await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "a message is at most 1024 bytes", lifetime.Token);
                        return;
                    }

                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
                    quiet.CancelAfter(silence);
                    result = await socket.ReceiveAsync(buffer.AsMemory(received), quiet.Token);
                    received += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                // A heartbeat: the socket is alive; the registry's heartbeat vouches for it (last_seen) meanwhile.
            }
        }
        catch (OperationCanceledException) when (!lifetime.IsCancellationRequested)
        {
            LogSilent(logger, session.GatewayId, silence.TotalSeconds);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The socket ended.
        }
        finally
        {
            await lifetime.CancelAsync();
        }
    }

    /// <summary>Completes the close handshake (the gateway's, or ours when the server ends the socket), or aborts the socket.</summary>
    private static async Task CloseAsync(WebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closed", timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            socket.Abort();
        }
    }

    private void Release(IPAddress address)
    {
        if (_perSource.AddOrUpdate(address, 0, (_, n) => n - 1) <= 0)
        {
            _perSource.TryRemove(new KeyValuePair<IPAddress, int>(address, 0));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy gateway {Hostname} connected ({Actor})")]
    private static partial void LogConnected(ILogger logger, string hostname, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Legacy gateway {Hostname} disconnected; it held {Count} addresses at revision {Revision}")]
    private static partial void LogDisconnected(ILogger logger, string hostname, int count, long revision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy gateway {GatewayId} sent a message over 1024 bytes; its socket is closed")]
    private static partial void LogTooLarge(ILogger logger, string gatewayId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Legacy gateway {GatewayId} sent nothing for {Seconds} s; its socket is closed")]
    private static partial void LogSilent(ILogger logger, string gatewayId, double seconds);
}
