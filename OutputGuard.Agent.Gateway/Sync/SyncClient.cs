using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Follows the control plane: connect → Hello (with the revision and store id of what the kernel holds) → apply each
/// snapshot or delta in one kernel batch → Ack, with HTTP/2 keepalive pings to notice a dead peer, again and again
/// (the <see cref="ReconnectLoop"/>: backoff with jitter). The stream counts as connected once the control plane's
/// response headers arrive (it sends them when it accepts the Hello); a stream it refuses is logged as rejected. Each
/// accepted stream is offered to the <see cref="TrafficReporter"/> through <see cref="Streams"/>.
/// </summary>
public sealed class SyncClient : BackgroundService
{
    /// <summary>Most destinations one snapshot may hold (its parts together).</summary>
    public const int MaxSnapshotDestinations = 5_000_000;

    private const int MaxRefusedReported = 100;
    private readonly AppliedState _state;
    private readonly GatewayStatus _status;
    private readonly GatewayOptions _options;
    private readonly ILogger<SyncClient> _logger;
    private readonly StateApplier _applier;
    private readonly ReconnectLoop _reconnect;
    private readonly Dns.DnsSync _dns;
    private readonly Channel<SyncStream> _streams = Channel.CreateBounded<SyncStream>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Creates the client.</summary>
    public SyncClient(AppliedState state, GatewayStatus status, GatewayOptions options, TimeProvider time, ILogger<SyncClient> logger, Dns.DnsSync? dns = null)
    {
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _applier = new StateApplier(state, status, logger);
        _reconnect = new ReconnectLoop(status, time, logger);
        _dns = dns ?? new Dns.DnsSync(new Dns.DomainPolicy());
    }

    /// <summary>Each stream as the control plane accepts it (the newest one; it may have ended since).</summary>
    public ChannelReader<SyncStream> Streams => _streams.Reader;

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => _reconnect.RunAsync(RunStreamAsync, stoppingToken);

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
        var (applied, storeId) = _state.Applied;
        await call.RequestStream.WriteAsync(new GatewayMessage
        {
            Hello = new Hello
            {
                GatewayId = _options.EffectiveGatewayId,
                Hostname = _options.EffectiveHostname,
                Version = typeof(SyncClient).Assembly.GetName().Version?.ToString() ?? "0",
                AppliedRevision = applied,
                ElementCount = _state.ElementCount,
                StoreId = storeId,
                Observe = _options.Observe,
                WantsDomainRules = _dns.Wanted,
            },
        }, ct);
        await AcceptedAsync(call, observer, uri.ToString(), ct);
        _status.SetState(SyncState.Connected);
        Log.Connected(_logger, uri.ToString(), applied);

        // The request stream has two writers (acks here, traffic reports in the reporter).
        using var stream = new SyncStream(call.RequestStream, ct);
        _streams.Writer.TryWrite(stream);
        try
        {
            await FollowAsync(call, stream, ct);
        }
        finally
        {
            await stream.CloseAsync();
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

    private async Task FollowAsync(AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> call, SyncStream stream, CancellationToken ct)
    {
        SnapshotParts? snapshot = null;
        EntryNames? snapshotNames = null;
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
                        snapshot = new SnapshotParts(s.Revision);
                        snapshotNames = new EntryNames();
                        snapshotRevision = s.Revision;
                    }

                    if (snapshot!.Count + s.Destinations.Count > MaxSnapshotDestinations)
                    {
                        throw new InvalidDataException($"snapshot {s.Revision} holds more than {MaxSnapshotDestinations} destinations");
                    }

                    snapshot.Add(s.Destinations);
                    snapshotNames!.Read(s.Destinations, s.EntryNames, _ => true, clearUnnamed: false);
                    if (s.Last)
                    {
                        if (s.StoreId.Length > 0 && !StoreIds.IsValid(s.StoreId))
                        {
                            throw new InvalidDataException($"snapshot {s.Revision} carries a malformed store id");
                        }

                        applied = _applier.ApplySnapshot(s.StoreId, snapshot, snapshotNames);
                        snapshot = null;
                        snapshotNames = null;
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
                await stream.WriteAsync(new GatewayMessage { Ack = new Ack { Revision = a.Ack, ElementCount = _state.ElementCount } }, ct);
                if (a.Refused.Count > 0)
                {
                    var refused = new RefusedDestinations { Revision = a.Ack, Total = a.Refused.Count };
                    refused.Destinations.AddRange(a.Refused.Take(MaxRefusedReported));
                    await stream.WriteAsync(new GatewayMessage { Refused = refused }, ct);
                }
            }
        }
    }

    private string Token() => !string.IsNullOrWhiteSpace(_options.TokenFile)
        ? File.ReadAllText(_options.TokenFile).Trim()
        : _options.Token ?? string.Empty;
}
