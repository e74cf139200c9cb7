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
/// Follows the control plane: connect → Hello → apply each snapshot or delta in one kernel batch → Ack, forever,
/// with exponential backoff and jitter between attempts and HTTP/2 keepalive pings to notice a dead peer.
/// The applied state is written to the state file in the background (coalesced).
/// </summary>
public sealed class SyncClient : BackgroundService
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private readonly AllowListEnforcer _enforcer;
    private readonly AgentState _state;
    private readonly GatewayStatus _status;
    private readonly GatewayOptions _options;
    private readonly ILogger<SyncClient> _logger;
    private readonly StateFile _stateFile;
    private readonly SemaphoreSlim _dirty = new(0, 1);
    private readonly KernelCounterReader _counters;

    /// <summary>Creates the client.</summary>
    public SyncClient(
        AllowListEnforcer enforcer, AgentState state, GatewayStatus status, KernelCounterReader counters, IOptions<GatewayOptions> options, ILogger<SyncClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _counters = counters;
        _enforcer = enforcer;
        _state = state;
        _status = status;
        _options = options.Value;
        _logger = logger;
        _stateFile = new StateFile(_options.StateFile);
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
        var writer = Task.Run(() => WriteStateLoopAsync(stoppingToken), stoppingToken);
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                _status.SetState(SyncState.Connecting);
                await RunStreamAsync(() => attempt = 0, stoppingToken);
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
                var delay = Backoff(attempt++);
                Log.SyncFailed(_logger, ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message, (long)delay.TotalMilliseconds);
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
        WriteState();
    }

    private async Task RunStreamAsync(Action connected, CancellationToken ct)
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
        using var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        var client = new GatewaySync.GatewaySyncClient(channel);
        var headers = new Metadata { { "authorization", "Bearer " + Token() } };
        using var call = client.Sync(headers, cancellationToken: ct);
        long applied;
        lock (_state.Gate)
        {
            applied = _state.List.Revision;
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
            },
        }, ct);
        await call.ResponseHeadersAsync;
        _status.SetState(SyncState.Connected);
        Log.Connected(_logger, uri.ToString(), applied);

        // The request stream has two writers (acks, traffic reports); gRPC allows one write at a time.
        using var writeGate = new SemaphoreSlim(1, 1);
        using var streamDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reporter = Task.Run(() => ReportTrafficAsync(call.RequestStream, writeGate, streamDone.Token), CancellationToken.None);
        try
        {
            await FollowAsync(call, writeGate, connected, ct);
        }
        finally
        {
            await streamDone.CancelAsync();
            await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task ReportTrafficAsync(IClientStreamWriter<GatewayMessage> stream, SemaphoreSlim writeGate, CancellationToken ct)
    {
        var interval = TimeSpan.FromMilliseconds(_options.ReportIntervalMs);
        while (!ct.IsCancellationRequested)
        {
            await Task.Delay(interval, ct);
            var report = TrafficReportBuilder.Build(_counters.Read(), DateTimeOffset.UtcNow);
            await writeGate.WaitAsync(ct);
            try
            {
                await stream.WriteAsync(new GatewayMessage { Traffic = report }, ct);
            }
            finally
            {
                writeGate.Release();
            }
        }
    }

    private async Task FollowAsync(AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> call, SemaphoreSlim writeGate, Action connected, CancellationToken ct)
    {
        List<Destination>? snapshot = null;
        long snapshotRevision = -1;
        await foreach (var message in call.ResponseStream.ReadAllAsync(ct))
        {
            connected();
            long? ack = null;
            switch (message.KindCase)
            {
                case ControlMessage.KindOneofCase.Snapshot:
                    var s = message.Snapshot;
                    if (s.Part == 0 || s.Revision != snapshotRevision)
                    {
                        snapshot = [];
                        snapshotRevision = s.Revision;
                    }

                    snapshot!.AddRange(s.Destinations);
                    if (s.Last)
                    {
                        ack = ApplySnapshot(s.Revision, DestinationMapper.ToDomain(snapshot));
                        snapshot = null;
                    }

                    break;
                case ControlMessage.KindOneofCase.Delta:
                    ack = ApplyDelta(message.Delta);
                    break;
                default:
                    break;
            }

            if (ack is { } revision)
            {
                await writeGate.WaitAsync(ct);
                try
                {
                    await call.RequestStream.WriteAsync(new GatewayMessage { Ack = new Ack { Revision = revision, ElementCount = _enforcer.ElementCount } }, ct);
                }
                finally
                {
                    writeGate.Release();
                }
            }
        }
    }

    private long ApplySnapshot(long revision, List<AllowedDestination> destinations)
    {
        var started = Stopwatch.GetTimestamp();
        var list = AllowList.Of(revision, destinations);
        var result = _enforcer.Apply(list);
        lock (_state.Gate)
        {
            _state.List = list;
        }

        Done(revision, "snapshot", result, started);
        return revision;
    }

    private long ApplyDelta(Delta delta)
    {
        var started = Stopwatch.GetTimestamp();
        ApplyResult result;
        lock (_state.Gate)
        {
            var applied = _state.List.Revision;
            if (delta.Revision <= applied)
            {
                return applied;
            }

            if (applied != 0 && delta.Revision != applied + 1)
            {
                Log.RevisionGap(_logger, delta.Revision, applied);
                throw new InvalidOperationException($"revision {delta.Revision} does not follow {applied}");
            }

            var change = _state.List.Apply(delta.Revision, DestinationMapper.ToDomain(delta.Add), DestinationMapper.ToDomain(delta.Remove));
            try
            {
                result = _enforcer.Apply(_state.List, change);
            }
            catch
            {
                // The batch failed as a whole, so the kernel still holds the previous revision: so must the list.
                _state.List.Revert(change, applied);
                throw;
            }
        }

        Done(delta.Revision, "delta", result, started);
        return delta.Revision;
    }

    private void Done(long revision, string kind, ApplyResult result, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        _status.SetRevision(revision);
        if (result.Committed)
        {
            _status.CountApply();
        }

        _status.OnApplied(elapsed.TotalSeconds, _enforcer);
        Log.Applied(_logger, revision, kind, result.Added, result.Removed, _enforcer.ElementCount, elapsed.TotalMilliseconds);
        try
        {
            // Wake the state writer; when it is already awake this write is covered by its next pass.
            _dirty.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    private async Task WriteStateLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await _dirty.WaitAsync(ct);
            WriteState();

            // At most one write a second: with 100k destinations a write is a few MB, and changes come in bursts.
            await Task.Delay(1000, ct);
        }
    }

    private void WriteState()
    {
        long revision;
        AllowedDestination[] destinations;
        lock (_state.Gate)
        {
            revision = _state.List.Revision;
            destinations = [.. _state.List.All];
        }

        try
        {
            _stateFile.Write(revision, destinations);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StateWriteFailed(_logger, _stateFile.Path, ex.Message);
        }
    }

    private string Token() => !string.IsNullOrWhiteSpace(_options.TokenFile)
        ? File.ReadAllText(_options.TokenFile).Trim()
        : _options.Token ?? string.Empty;

    /// <inheritdoc />
    public override void Dispose()
    {
        _dirty.Dispose();
        base.Dispose();
    }
}
