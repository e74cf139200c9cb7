using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Follows the control plane: connect → Hello (with the revision and store id of what the kernel holds) → apply each
/// snapshot or delta in one kernel batch → Ack, forever, with exponential backoff and jitter between attempts and
/// HTTP/2 keepalive pings to notice a dead peer. The stream counts as connected once the control plane's response
/// headers arrive (it sends them when it accepts the Hello); a stream it refuses is logged as rejected. The backoff
/// starts again from the shortest delay only after a stream that stayed up, so a stream that fails at once (a
/// broken table, a refused token) does not reconnect several times a second.
/// </summary>
public sealed class SyncClient : BackgroundService
{
    /// <summary>Most destinations one snapshot may hold (its parts together).</summary>
    public const int MaxSnapshotDestinations = 5_000_000;

    /// <summary>A stream that lasted this long resets the backoff.</summary>
    public static readonly TimeSpan StableStream = TimeSpan.FromSeconds(10);

    private const int MaxRefusedReported = 100;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private readonly AllowListEnforcer _enforcer;
    private readonly AgentState _state;
    private readonly GatewayStatus _status;
    private readonly GatewayOptions _options;
    private readonly ILogger<SyncClient> _logger;
    private readonly StateApplier _applier;
    private readonly KernelCounterReader _counters;
    private readonly Dns.DnsSync _dns;

    /// <summary>Creates the client.</summary>
    public SyncClient(
        AllowListEnforcer enforcer, AgentState state, GatewayStatus status, KernelCounterReader counters, IOptions<GatewayOptions> options, ILogger<SyncClient> logger, Dns.DnsSync? dns = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dns = dns ?? new Dns.DnsSync(new Dns.DomainPolicy());
        _counters = counters;
        _enforcer = enforcer;
        _state = state;
        _status = status;
        _options = options.Value;
        _logger = logger;
        _applier = new StateApplier(enforcer, state, status, new StateFile(_options.StateFile), logger);
    }

    /// <summary>The delay before retry number <paramref name="attempt"/> (from 0): exponential, capped, with jitter.</summary>
    public static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, 250 * Math.Pow(2, Math.Min(attempt, 20)));
#pragma warning disable CA5394 // Jitter, not security.
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
#pragma warning restore CA5394
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writer = Task.Run(() => _applier.WriteStateLoopAsync(stoppingToken), stoppingToken);
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                _status.SetState(SyncState.Connecting);
                await RunStreamAsync(stoppingToken);
                throw new RpcException(new Status(StatusCode.Unavailable, "the control plane ended the stream"));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // Any failure means: reconnect later.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _status.CountFailure();
                _status.SetState(SyncState.Disconnected);
                if (Stopwatch.GetElapsedTime(started) >= StableStream)
                {
                    attempt = 0;
                }

                var delay = Backoff(attempt++);
                if (ex is StreamRejectedException rejected)
                {
                    Log.StreamRejected(_logger, rejected.Address, rejected.Status.StatusCode.ToString(), rejected.Status.Detail, (long)delay.TotalMilliseconds);
                }
                else
                {
                    Log.SyncFailed(_logger, ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message, (long)delay.TotalMilliseconds);
                }

                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _status.SetState(SyncState.Disconnected);
        await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _applier.WriteState();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _applier.Dispose();
        base.Dispose();
    }

    private async Task RunStreamAsync(CancellationToken ct)
    {
        var uri = GatewayOptionsValidator.ControlPlaneUri(_options.ControlPlane)!;
        using var handler = new SocketsHttpHandler
        {
            KeepAlivePingDelay = TimeSpan.FromSeconds(3),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(3),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            EnableMultipleHttp2Connections = true,
        };
        using var observer = new ResponseObserver(handler);
        using var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = observer,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        var client = new GatewaySync.GatewaySyncClient(channel);
        var headers = new Metadata { { "authorization", "Bearer " + Token() } };
        using var call = client.Sync(headers, cancellationToken: ct);
        long applied;
        string storeId;
        lock (_state.Gate)
        {
            applied = _state.List.Revision;
            storeId = _state.List.StoreId;
        }

        await call.RequestStream.WriteAsync(new GatewayMessage
        {
            Hello = new Hello
            {
                GatewayId = _options.EffectiveGatewayId,
                Hostname = _options.EffectiveHostname,
                Version = typeof(SyncClient).Assembly.GetName().Version?.ToString() ?? "0",
                AppliedRevision = applied,
                ElementCount = _enforcer.ElementCount,
                StoreId = storeId,
                WantsDomainRules = _dns.Wanted,
            },
        }, ct);
        await AcceptedAsync(call, observer, uri.ToString(), ct);
        _status.SetState(SyncState.Connected);
        Log.Connected(_logger, uri.ToString(), applied);

        // The request stream has two writers (acks, traffic reports); gRPC allows one write at a time.
        using var writeGate = new SemaphoreSlim(1, 1);
        using var streamDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporter = Task.Run(() => ReportTrafficAsync(call.RequestStream, writeGate, streamDone.Token), CancellationToken.None);
        try
        {
            await FollowAsync(call, writeGate, ct);
        }
        finally
        {
            await streamDone.CancelAsync();
            await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>
    /// Waits for the response headers, without waiting for a message: the control plane sends them when it accepts
    /// the Hello. A response that refuses the stream there (an HTTP error such as 401 or 403, or a status in the
    /// headers) is a rejection, logged as such with the status the call ends with.
    /// </summary>
    private static async Task AcceptedAsync(
        AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> call, ResponseObserver observer, string address, CancellationToken ct)
    {
        try
        {
            await call.ResponseHeadersAsync;
        }
        catch (RpcException ex) when (ex.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled))
        {
            throw new StreamRejectedException(address, ex.Status, ex);
        }

        if (observer.Refused != true)
        {
            return;
        }

        try
        {
            // The call has ended or is about to: its status says why.
            while (await call.ResponseStream.MoveNext(ct))
            {
            }
        }
        catch (RpcException ex)
        {
            throw new StreamRejectedException(address, ex.Status, ex);
        }

        throw new StreamRejectedException(address, call.GetStatus(), null);
    }

    private async Task ReportTrafficAsync(IClientStreamWriter<GatewayMessage> stream, SemaphoreSlim writeGate, CancellationToken ct)
    {
        var interval = TimeSpan.FromMilliseconds(_options.ReportIntervalMs);
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(interval, ct);
            var report = TrafficReportBuilder.Build(_counters.Read(), DateTimeOffset.UtcNow);
            await WriteAsync(stream, writeGate, new GatewayMessage { Traffic = report }, ct);
            if (_dns.TakeReport() is { } learned)
            {
                await WriteAsync(stream, writeGate, new GatewayMessage { Learned = learned }, ct);
            }
        }
    }

    private async Task FollowAsync(AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> call, SemaphoreSlim writeGate, CancellationToken ct)
    {
        List<Destination>? snapshot = null;
        long snapshotRevision = -1;
        await foreach (var message in call.ResponseStream.ReadAllAsync(ct))
        {
            (long Ack, List<RefusedDestination> Refused)? applied = null;
            switch (message.KindCase)
            {
                case ControlMessage.KindOneofCase.Snapshot:
                    var s = message.Snapshot;
                    if (s.Part == 0 || s.Revision != snapshotRevision)
                    {
                        snapshot = [];
                        snapshotRevision = s.Revision;
                    }

                    if (snapshot!.Count + s.Destinations.Count > MaxSnapshotDestinations)
                    {
                        throw new InvalidDataException($"snapshot {s.Revision} holds more than {MaxSnapshotDestinations} destinations");
                    }

                    snapshot.AddRange(s.Destinations);
                    if (s.Last)
                    {
                        if (s.StoreId.Length > 0 && !StoreIds.IsValid(s.StoreId))
                        {
                            throw new InvalidDataException($"snapshot {s.Revision} carries a malformed store id");
                        }

                        applied = _applier.ApplySnapshot(s.Revision, s.StoreId, snapshot);
                        snapshot = null;
                    }

                    break;
                case ControlMessage.KindOneofCase.Delta:
                    applied = _applier.ApplyDelta(message.Delta);
                    break;
                case ControlMessage.KindOneofCase.DomainRules:
                    _dns.OnRules(message.DomainRules, _logger);
                    break;
                case ControlMessage.KindOneofCase.Learned:
                    _dns.OnPeerLearned(message.Learned);
                    break;
                default:
                    break;
            }

            if (applied is { } a)
            {
                await WriteAsync(call.RequestStream, writeGate, new GatewayMessage { Ack = new Ack { Revision = a.Ack, ElementCount = _enforcer.ElementCount } }, ct);
                if (a.Refused.Count > 0)
                {
                    var refused = new RefusedDestinations { Revision = a.Ack, Total = a.Refused.Count };
                    refused.Destinations.AddRange(a.Refused.Take(MaxRefusedReported));
                    await WriteAsync(call.RequestStream, writeGate, new GatewayMessage { Refused = refused }, ct);
                }
            }
        }
    }

    private static async Task WriteAsync(IClientStreamWriter<GatewayMessage> stream, SemaphoreSlim writeGate, GatewayMessage message, CancellationToken ct)
    {
        await writeGate.WaitAsync(ct);
        try
        {
            await stream.WriteAsync(message, ct);
        }
        finally
        {
            writeGate.Release();
        }
    }

    private string Token() => !string.IsNullOrWhiteSpace(_options.TokenFile)
        ? File.ReadAllText(_options.TokenFile).Trim()
        : _options.Token ?? string.Empty;
}
