using System.Net;
using System.Net.Sockets;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Legacy;

/// <summary>
/// A control plane on SQLite with the legacy API on: tokenless calls from 127.0.0.1 only, with the editor role.
/// Clients can bind to another loopback source (127.0.0.2) to call from a range that is not allowed.
/// </summary>
public sealed class LegacyServerFixture : IAsyncLifetime
{
    /// <summary>The allowed source.</summary>
    public static readonly IPAddress Allowed = IPAddress.Parse("127.0.0.1");

    /// <summary>A loopback source outside legacy_api.allow_from.</summary>
    public static readonly IPAddress Refused = IPAddress.Parse("127.0.0.2");

    private readonly List<HttpClient> _clients = [];

    public ControlPlaneServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await ControlPlaneServer.StartAsync(o =>
    {
        o.LegacyApiEnabled = true;
        o.LegacyApiAllowFrom = ["127.0.0.1/32"];
        o.LegacyApiRole = "editor";
        o.LegacyApiMaxSocketsPerSource = 2;
        o.LegacyApiSendQueue = 2;
    });

    /// <summary>An HTTP client whose connections come from <paramref name="source"/>, sending <paramref name="token"/> when given.</summary>
    public HttpClient Client(IPAddress source, string? token = null)
    {
        var handler = new SocketsHttpHandler { ConnectCallback = (context, cancellationToken) => ConnectFromAsync(source, context.DnsEndPoint, cancellationToken) };
        var client = new HttpClient(handler) { BaseAddress = Server.HttpUri };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        _clients.Add(client);
        return client;
    }

    /// <summary>A TCP connection to <paramref name="target"/> bound to <paramref name="source"/>.</summary>
    public static async ValueTask<Stream> ConnectFromAsync(IPAddress source, DnsEndPoint target, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(target.Host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(target.Host), target.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        await Server.DisposeAsync();
    }
}
