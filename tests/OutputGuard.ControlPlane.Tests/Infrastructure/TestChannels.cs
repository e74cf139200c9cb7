using Grpc.Core;
using Grpc.Net.Client;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>gRPC channels to a test control plane that send a bearer token with every call (shared with bench/).</summary>
public static class TestChannels
{
    /// <summary>A cleartext channel to <paramref name="uri"/> sending <paramref name="token"/> (none when null), over <paramref name="handler"/> when given.</summary>
    public static GrpcChannel WithToken(Uri uri, string? token, SocketsHttpHandler? handler = null) => GrpcChannel.ForAddress(uri, new GrpcChannelOptions
    {
        HttpHandler = handler,
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, metadata) =>
        {
            if (token is not null)
            {
                metadata.Add("authorization", $"Bearer {token}");
            }

            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    /// <summary>A handler like a gateway's that does not read: the HTTP/2 default 64 KB window, and new connections past 100 streams.</summary>
    public static SocketsHttpHandler SmallWindow() => new() { InitialHttp2StreamWindowSize = 65_535, EnableMultipleHttp2Connections = true };
}
