using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>A TCP listener inside a network namespace that accepts and closes every connection (a gateway's health port).</summary>
public sealed class NamespaceListener : IDisposable
{
    private readonly Socket _socket;
    private readonly CancellationTokenSource _stop = new();

    public NamespaceListener(string netns, string address, int port)
    {
        var ip = IPAddress.Parse(address);
        _socket = NamespaceSockets.Create(netns, ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _socket.Bind(new IPEndPoint(ip, port));
        _socket.Listen(16);
        _ = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _socket.AcceptAsync(_stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
