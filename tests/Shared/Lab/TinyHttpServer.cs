using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutputGuard.Testing;

/// <summary>
/// A tiny HTTP/1.0 server on a socket created in a namespace: <c>GET /N</c> answers N bytes, <c>POST</c> reads the
/// body and answers its length. It records each client's address, to check what source the internet sees.
/// </summary>
public sealed class TinyHttpServer : IDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();

    public TinyHttpServer(string netns, IPAddress address, int port)
    {
        _listener = NamespaceSockets.Create(netns, address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        _listener.Bind(new IPEndPoint(address, port));
        _listener.Listen(64);
        Endpoint = new IPEndPoint(address, port);
        _ = Task.Run(AcceptLoopAsync);
    }

    public IPEndPoint Endpoint { get; }

    public ConcurrentQueue<IPAddress> Clients { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using (client)
        {
            try
            {
                Clients.Enqueue(((IPEndPoint)client.RemoteEndPoint!).Address);
                using var stream = new NetworkStream(client, ownsSocket: false);
                var head = await ReadHeadAsync(stream);
                var lines = head.Split("\r\n");
                var request = lines[0].Split(' ');
                string body;
                if (request[0] == "POST")
                {
                    var length = long.Parse(lines.First(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim(), CultureInfo.InvariantCulture);
                    var buffer = new byte[65536];
                    long read = 0;
                    while (read < length)
                    {
                        var n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - read)));
                        if (n == 0)
                        {
                            break;
                        }

                        read += n;
                    }

                    body = read.ToString(CultureInfo.InvariantCulture);
                    await WriteAsync(stream, Encoding.ASCII.GetBytes(body));
                }
                else
                {
                    var size = int.Parse(request[1].TrimStart('/'), CultureInfo.InvariantCulture);
                    await WriteAsync(stream, new byte[size]);
                }
            }
            catch (Exception)
            {
                // A client that goes away is not the server's problem.
            }
        }
    }

    private static async Task WriteAsync(NetworkStream stream, byte[] body)
    {
        var header = Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(header);
        await stream.WriteAsync(body);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (!(head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                break;
            }

            head.Add(one[0]);
        }

        return Encoding.ASCII.GetString([.. head]);
    }
}
