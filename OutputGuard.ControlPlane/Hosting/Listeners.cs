using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>The two listeners, so that the bound ports are known after start (port 0 picks a free one).</summary>
public sealed class Listeners
{
    /// <summary>HTTP/1.1: page, JSON API, /healthz.</summary>
    public ListenOptions? Http { get; set; }

    /// <summary>HTTP/2: gRPC.</summary>
    public ListenOptions? Grpc { get; set; }

    /// <summary>Whether TLS is served.</summary>
    public bool Tls { get; set; }

    /// <summary>The HTTP base address after start, e.g. http://127.0.0.1:8080.</summary>
    public Uri HttpUri => Uri(Http);

    /// <summary>The gRPC base address after start.</summary>
    public Uri GrpcUri => Uri(Grpc);

    private Uri Uri(ListenOptions? listen)
    {
        var endpoint = listen?.IPEndPoint ?? throw new InvalidOperationException("the listener is not configured");
        var host = endpoint.Address.Equals(System.Net.IPAddress.IPv6Any) || endpoint.Address.Equals(System.Net.IPAddress.Any)
            ? "localhost"
            : endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]" : endpoint.Address.ToString();
        return new Uri(FormattableString.Invariant($"{(Tls ? "https" : "http")}://{host}:{endpoint.Port}"));
    }
}
