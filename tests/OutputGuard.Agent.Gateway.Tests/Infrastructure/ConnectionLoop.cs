using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>
/// One TCP connection from the client namespace to a server in the internet namespace that sends one byte every
/// 100 ms, as a reverse shell or a long poll would; the server records when each byte arrives.
/// </summary>
public sealed class ConnectionLoop : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly Socket _client;
    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task _sender = Task.CompletedTask;
    private Task _receiver = Task.CompletedTask;
    private long _received;
    private long _lastAt = -1;

    private ConnectionLoop(Socket listener, Socket client)
    {
        _listener = listener;
        _client = client;
    }

    /// <summary>Bytes the server received.</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <summary>When the last byte arrived, on this loop's clock; null before the first.</summary>
    public TimeSpan? LastByteAt => Interlocked.Read(ref _lastAt) is var t and >= 0 ? TimeSpan.FromTicks(t) : null;

    /// <summary>This loop's clock.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Opens the connection (it must be allowed now) and starts sending.</summary>
    public static async Task<ConnectionLoop> StartAsync(Lab lab, IPAddress server, int port)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var listener = NamespaceSockets.Create(lab.Internet, server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var client = NamespaceSockets.Create(lab.Client, server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        var loop = new ConnectionLoop(listener, client);
        listener.Bind(new IPEndPoint(server, port));
        listener.Listen(1);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(new IPEndPoint(server, port)).WaitAsync(TimeSpan.FromSeconds(5));
        var accepted = await accept.WaitAsync(TimeSpan.FromSeconds(5));
        loop._receiver = Task.Run(() => loop.ReceiveAsync(accepted));
        loop._sender = Task.Run(loop.SendAsync);
        return loop;
    }

    /// <summary>Waits until the server has received at least <paramref name="bytes"/>.</summary>
    public Task FlowingAsync(long bytes = 3) =>
        Eventually.True(() => Received >= bytes, TimeSpan.FromSeconds(10), $"{bytes} bytes through the connection");

    /// <summary>
    /// Watches the connection for a few seconds after <paramref name="revoked"/> (on this loop's clock): no byte may
    /// arrive later than one second after it, however long the client keeps sending and retransmitting.
    /// </summary>
    public async Task AssertCutAsync(TimeSpan revoked)
    {
        // Proving that nothing arrives needs a watch of fixed length: no event announces an absence.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var last = LastByteAt ?? TimeSpan.Zero;
        Assert.True(last <= revoked + TimeSpan.FromSeconds(1), $"a byte arrived {(last - revoked).TotalMilliseconds:0} ms after the revocation");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _client.Dispose();
        _listener.Dispose();
        await _sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _receiver.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task SendAsync()
    {
        var one = new byte[] { 0x2a };
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _client.SendAsync(one, SocketFlags.None, _stop.Token);
                await Task.Delay(100, _stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
        }
    }

    private async Task ReceiveAsync(Socket accepted)
    {
        using (accepted)
        {
            var buffer = new byte[4096];
            while (!_stop.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = await accepted.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                    return;
                }

                if (n == 0)
                {
                    return;
                }

                Interlocked.Add(ref _received, n);
                Interlocked.Exchange(ref _lastAt, _clock.Elapsed.Ticks);
            }
        }
    }
}
