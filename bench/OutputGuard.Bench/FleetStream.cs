using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Bench;

/// <summary>
/// One benchmark gateway: its own connection, Hello, and a reader that acks every revision as a gateway does and
/// notes when each revision arrived and how many delta messages it took.
/// </summary>
public sealed class FleetStream : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Lock _lock = new();
    private readonly Dictionary<long, long> _arrivals = [];
    private AsyncDuplexStreamingCall<GatewayMessage, ControlMessage>? _call;
    private Task _reader = Task.CompletedTask;
    private long _seen;

    public FleetStream(Uri uri, string token, string gatewayId)
    {
        _channel = TestChannels.WithToken(uri, token);
        GatewayId = gatewayId;
    }

    public string GatewayId { get; }

    /// <summary>The newest revision received (a delta, or a snapshot's last part).</summary>
    public long Seen => Interlocked.Read(ref _seen);

    /// <summary>The store id the last snapshot named (sent again in Hello after a reconnect).</summary>
    public string StoreId { get; private set; } = string.Empty;

    /// <summary>Delta messages received so far.</summary>
    public long Deltas { get; private set; }

    /// <summary>Errors the stream ended with (other than the bench cutting it).</summary>
    public int Errors { get; private set; }

    /// <summary>Opens the stream with Hello at the revision it holds; returns once the server answered with headers.</summary>
    public async Task ConnectAsync()
    {
        _call = new GatewaySync.GatewaySyncClient(_channel).Sync();
        await _call.RequestStream.WriteAsync(new GatewayMessage
        {
            Hello = new Hello { GatewayId = GatewayId, Hostname = "bench", Version = "bench", AppliedRevision = Seen, StoreId = StoreId },
        });
        await _call.ResponseHeadersAsync;
        var call = _call;
        _reader = Task.Run(() => ReadAsync(call));
    }

    /// <summary>When <paramref name="revision"/> arrived (Stopwatch ticks), or null.</summary>
    public long? ArrivalOf(long revision)
    {
        lock (_lock)
        {
            return _arrivals.TryGetValue(revision, out var at) ? at : null;
        }
    }

    /// <summary>Cuts the stream as a broken connection would.</summary>
    public async Task CutAsync()
    {
        _call?.Dispose();
        await _reader;
        _call = null;
    }

    public async ValueTask DisposeAsync()
    {
        await CutAsync();
        _channel.Dispose();
    }

    private async Task ReadAsync(AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> call)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                var message = call.ResponseStream.Current;
                long revision;
                if (message.KindCase == ControlMessage.KindOneofCase.Delta)
                {
                    revision = message.Delta.Revision;
                    Deltas++;
                }
                else if (message.KindCase == ControlMessage.KindOneofCase.Snapshot && message.Snapshot.Last)
                {
                    revision = message.Snapshot.Revision;
                    StoreId = message.Snapshot.StoreId;
                }
                else
                {
                    continue;
                }

                lock (_lock)
                {
                    _arrivals[revision] = Stopwatch.GetTimestamp();
                }

                Interlocked.Exchange(ref _seen, revision);
                await call.RequestStream.WriteAsync(new GatewayMessage { Ack = new Ack { Revision = revision } });
            }
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled)
        {
            // Cut by the bench.
        }
        catch (Exception e) when (e is RpcException or IOException or InvalidOperationException)
        {
            Errors++;
        }
    }
}
