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
    private readonly TaskCompletionSource<RpcException?> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    private SyncClient(AsyncDuplexStreamingCall<GatewayMessage, ControlMessage> call) => _call = call;

    /// <summary>How the stream ended: the status the server sent (null when it ended OK); waits for the end.</summary>
    public Task<RpcException?> Ended => _ended.Task;

    /// <summary>Whether the stream has ended.</summary>
    public bool HasEnded => _ended.Task.IsCompleted;

    /// <summary>The response headers (they arrive before any message).</summary>
    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    /// <summary>
    /// Opens a stream and sends Hello; with <paramref name="read"/> false nothing is read until <see cref="StartReading"/>.
    /// A Hello whose <paramref name="storeId"/> is not the server's store id gets a snapshot whatever its revision.
    /// </summary>
    public static Task<SyncClient> ConnectAsync(GrpcChannel channel, string gatewayId, long appliedRevision, bool read = true, string storeId = "") =>
        ConnectAsync(channel, new Hello { GatewayId = gatewayId, Hostname = "test-host", Version = "test", AppliedRevision = appliedRevision, StoreId = storeId }, read);

    /// <summary>Opens a stream and sends <paramref name="hello"/>.</summary>
    public static async Task<SyncClient> ConnectAsync(GrpcChannel channel, Hello hello, bool read = true)
    {
        var call = new GatewaySync.GatewaySyncClient(channel).Sync();
        var client = new SyncClient(call);
        await call.RequestStream.WriteAsync(new GatewayMessage { Hello = hello });
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

            _ended.TrySetResult(null);
        }
        catch (RpcException e)
        {
            _ended.TrySetResult(e);
        }
        catch (OperationCanceledException)
        {
            _ended.TrySetResult(new RpcException(new Status(StatusCode.Cancelled, "cancelled by the test")));
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
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"the stream ended: {(await Ended)?.Status.ToString() ?? "OK"}");
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

    /// <summary>Sends any gateway message.</summary>
    public Task SendAsync(GatewayMessage message) => _call.RequestStream.WriteAsync(message);

    /// <summary>Acknowledges a revision.</summary>
    public Task AckAsync(long revision, long elements) =>
        _call.RequestStream.WriteAsync(new GatewayMessage { Ack = new Ack { Revision = revision, ElementCount = elements } });

    /// <summary>Sends a traffic report.</summary>
    public Task ReportAsync(TrafficReport report) =>
        _call.RequestStream.WriteAsync(new GatewayMessage { Traffic = report });

    /// <summary>Closes the sending side (as grpcurl does after its one message); the stream stays open for receiving.</summary>
    public Task CompleteSendingAsync() => _call.RequestStream.CompleteAsync();

    /// <summary>The status the stream ended with, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<RpcException?> EndedWithin(TimeSpan timeout)
    {
        StartReading();
        return await Ended.WaitAsync(timeout);
    }

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
