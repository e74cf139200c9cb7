using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>A gateway's side of the sync stream, for tests: Hello, then every message collected in order.</summary>
public sealed class SyncClient : IAsyncDisposable
{
    private readonly AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> _call;
    private readonly Channel<ControlMessage> _received = System.Threading.Channels.Channel.CreateUnbounded<ControlMessage>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    private SyncClient(AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> call) => _call = call;

    /// <summary>
    /// Opens a stream and sends Hello; with <paramref name="read"/> false nothing is read until <see cref="StartReading"/>.
    /// A Hello whose <paramref name="storeId"/> is not the server's store id gets a snapshot whatever its revision.
    /// </summary>
    public static async Task<SyncClient> ConnectAsync(GrpcChannel channel, string gatewayId, long appliedRevision, bool read = true, string storeId = "")
    {
        var call = new GatewaySync.GatewaySyncClient(channel).Sync();
        var client = new SyncClient(call);
        await call.RequestStream.WriteAsync(new GatewayMessage
        {
            Hello = new Hello { GatewayId = gatewayId, Hostname = "test-host", Version = "test", AppliedRevision = appliedRevision, StoreId = storeId },
        });
        if (read)
        {
            client.StartReading();
        }

        return client;
    }

    /// <summary>Starts collecting messages.</summary>
    public void StartReading() => _pump ??= Task.Run(async () =>
    {
        try
        {
            await foreach (var message in _call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                await _received.Writer.WriteAsync(message);
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    });

    /// <summary>The next message, or a TimeoutException.</summary>
    public async Task<ControlMessage> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no message from the control plane within the deadline");
        }
    }

    /// <summary>Reads until a whole snapshot arrived; returns its revision and destinations.</summary>
    public async Task<(long Revision, List<Destination> Destinations)> NextSnapshotAsync(TimeSpan? timeout = null)
    {
        var destinations = new List<Destination>();
        while (true)
        {
            var message = await NextAsync(timeout);
            if (message.KindCase != ControlMessage.KindOneofCase.Snapshot)
            {
                continue;
            }

            destinations.AddRange(message.Snapshot.Destinations);
            if (message.Snapshot.Last)
            {
                return (message.Snapshot.Revision, destinations);
            }
        }
    }

    /// <summary>Acknowledges a revision.</summary>
    public Task AckAsync(long revision, long elements) =>
        _call.RequestStream.WriteAsync(new GatewayMessage { Ack = new Ack { Revision = revision, ElementCount = elements } });

    /// <summary>Sends a traffic report.</summary>
    public Task ReportAsync(TrafficReport report) =>
        _call.RequestStream.WriteAsync(new GatewayMessage { Traffic = report });

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _call.RequestStream.CompleteAsync();
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
        }

        _call.Dispose();
        if (_pump is not null)
        {
            await _pump;
        }

        _stop.Dispose();
    }
}
