using System.Net;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Sits under the gRPC channel and remembers what the HTTP response of the stream said before any message: its HTTP
/// status and whether it carried a gRPC status already (a trailers-only answer). A control plane that refuses a
/// stream answers that way (401, 403, a refused Hello); gRPC's response headers alone cannot tell it from acceptance.
/// </summary>
internal sealed class ResponseObserver : DelegatingHandler
{
    private int _refused = -1;

    public ResponseObserver(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>Whether the response (once its headers arrived) refused the stream; null before that.</summary>
    public bool? Refused => Volatile.Read(ref _refused) switch
    {
        0 => false,
        1 => true,
        _ => null,
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var refused = response.StatusCode != HttpStatusCode.OK || response.Headers.Contains("grpc-status");
        Volatile.Write(ref _refused, refused ? 1 : 0);
        return response;
    }
}
