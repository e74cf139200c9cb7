using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>
/// A TCP server inside a namespace ("the internet") that answers each connection with one line naming its
/// own address, and remembers where each connection came from.
/// </summary>
public sealed class TinyServer : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();

    public TinyServer(string netns, IPAddress address, int port)
    {
        _socket = NamespaceSockets.Create(netns, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(address, port));
        _socket.Listen(16);
        _ = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _socket.AcceptAsync(_stop.Token);
                    Peers.Enqueue(((IPEndPoint)client.RemoteEndPoint!).Address);
                    await client.SendAsync(Encoding.ASCII.GetBytes($"hello from {address}\n"));
                    client.Shutdown(SocketShutdown.Both);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        });
    }

    /// <summary>The source address of every connection, in order.</summary>
    public ConcurrentQueue<IPAddress> Peers { get; } = new();

    /// <summary>Connects from <paramref name="netns"/> and returns the greeting, or why it failed.</summary>
    public static async Task<string> TryGreetingAsync(string netns, IPAddress address, int port, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            using var socket = NamespaceSockets.Create(netns, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(address, port), cts.Token);
            var buffer = new byte[128];
            var n = await socket.ReceiveAsync(buffer, cts.Token);
            return Encoding.ASCII.GetString(buffer, 0, n).Trim();
        }
        catch (OperationCanceledException)
        {
            return "timeout";
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode.ToString();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
