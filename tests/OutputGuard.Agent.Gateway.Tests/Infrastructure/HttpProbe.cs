using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>An HTTP client whose socket lives in the client namespace.</summary>
public static class HttpProbe
{
    /// <summary>Downloads <paramref name="size"/> bytes; null when the connection cannot be made in time.</summary>
    public static async Task<long?> GetAsync(string netns, IPEndPoint server, int size, TimeSpan? connectTimeout = null) =>
        await ExchangeAsync(netns, server, Encoding.ASCII.GetBytes($"GET /{size} HTTP/1.0\r\nHost: x\r\n\r\n"), connectTimeout, body => body.Length);

    /// <summary>Uploads <paramref name="size"/> bytes; returns what the server says it received, null when unreachable.</summary>
    public static async Task<long?> PostAsync(string netns, IPEndPoint server, int size, TimeSpan? connectTimeout = null)
    {
        var head = Encoding.ASCII.GetBytes($"POST /up HTTP/1.0\r\nHost: x\r\nContent-Length: {size}\r\n\r\n");
        return await ExchangeAsync(netns, server, [.. head, .. new byte[size]], connectTimeout,
            body => long.Parse(Encoding.ASCII.GetString(body), CultureInfo.InvariantCulture));
    }

    /// <summary>Whether a TCP connection can be opened within the timeout.</summary>
    public static async Task<bool> CanConnectAsync(string netns, IPEndPoint server, TimeSpan? timeout = null)
    {
        using var socket = NamespaceSockets.Create(netns, server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(1));
        try
        {
            await socket.ConnectAsync(server, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            return false;
        }
    }

    private static async Task<long?> ExchangeAsync(string netns, IPEndPoint server, byte[] request, TimeSpan? connectTimeout, Func<byte[], long> result)
    {
        using var socket = NamespaceSockets.Create(netns, server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using (var cts = new CancellationTokenSource(connectTimeout ?? TimeSpan.FromSeconds(1)))
        {
            try
            {
                await socket.ConnectAsync(server, cts.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException)
            {
                return null;
            }
        }

        using var stream = new NetworkStream(socket, ownsSocket: false);
        using var io = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.WriteAsync(request, io.Token);
        using var all = new MemoryStream();
        await stream.CopyToAsync(all, io.Token);
        var bytes = all.ToArray();
        var text = Encoding.ASCII.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return split < 0 ? throw new InvalidOperationException($"no HTTP answer: '{text}'") : result(bytes[(split + 4)..]);
    }
}
