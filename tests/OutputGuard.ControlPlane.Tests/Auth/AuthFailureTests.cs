using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Auth;

/// <summary>
/// A refused token is a real gRPC status (what grpcurl needs) with a message that names the cause and the fix,
/// over cleartext and TLS; over HTTP/JSON it is 401/403 with the JSON error body of every other error and
/// <c>WWW-Authenticate: Bearer</c>.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class AuthFailureTests : IAsyncLifetime
{
    private const string Unknown = "not-a-known-token-at-all";
    private readonly TestCertificate _tls = new();
    private ControlPlaneServer _plain = null!;
    private ControlPlaneServer _secure = null!;

    public static TheoryData<bool, string?, string, StatusCode, string> Refusals()
    {
        var data = new TheoryData<bool, string?, string, StatusCode, string>();
        foreach (var tls in new[] { false, true })
        {
            data.Add(tls, null, "ListEntries", StatusCode.Unauthenticated, "missing \"authorization: Bearer <token>\" metadata");
            data.Add(tls, Unknown, "ListEntries", StatusCode.Unauthenticated, "token is not known");
            data.Add(tls, TestTokens.Viewer, "CreateEntry", StatusCode.PermissionDenied,
                "role viewer (token ops-viewer) may not call EntryService/CreateEntry; needs editor or admin");
            data.Add(tls, TestTokens.Gateway, "ListEntries", StatusCode.PermissionDenied,
                "role gateway (token gw) may not call EntryService/ListEntries; needs viewer or editor or admin");
            data.Add(tls, TestTokens.Editor, "Sync", StatusCode.PermissionDenied, "may not call GatewaySync/Sync; needs gateway");
        }

        return data;
    }

    public static TheoryData<bool, string?, HttpStatusCode, string> HttpRefusals()
    {
        var data = new TheoryData<bool, string?, HttpStatusCode, string>();
        foreach (var tls in new[] { false, true })
        {
            data.Add(tls, null, HttpStatusCode.Unauthorized, "missing \"authorization: Bearer <token>\" header");
            data.Add(tls, Unknown, HttpStatusCode.Unauthorized, "token is not known");
            data.Add(tls, "Basic dXNlcjpwYXNz", HttpStatusCode.Unauthorized, "is not \"Bearer <token>\"");
            data.Add(tls, TestTokens.Viewer, HttpStatusCode.Forbidden, "role viewer (token ops-viewer) may not call EntryService/CreateEntry; needs editor or admin");
            data.Add(tls, TestTokens.Gateway, HttpStatusCode.Forbidden, "needs editor or admin");
        }

        return data;
    }

    public async Task InitializeAsync()
    {
        _plain = await ControlPlaneServer.StartAsync();
        _secure = await ControlPlaneServer.StartAsync(o =>
        {
            o.TlsCert = _tls.CertificateFile;
            o.TlsKey = _tls.KeyFile;
        });
    }

    public async Task DisposeAsync()
    {
        await _plain.DisposeAsync();
        await _secure.DisposeAsync();
        _tls.Dispose();
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refused_token_is_a_grpc_status_that_names_the_cause_and_the_fix(bool tls, string? token, string call, StatusCode code, string message)
    {
        using var channel = GrpcChannel.ForAddress(Server(tls).GrpcUri, new GrpcChannelOptions { HttpHandler = Handler(tls) });
        var headers = new Metadata();
        if (token is not null)
        {
            headers.Add("authorization", $"Bearer {token}");
        }

        var e = await Assert.ThrowsAsync<RpcException>(() => CallAsync(channel, call, headers));

        Assert.Equal(code, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(HttpRefusals))]
    public async Task Refused_token_over_http_is_401_or_403_with_a_json_error_body(bool tls, string? authorization, HttpStatusCode expected, string message)
    {
        using var http = new HttpClient(Handler(tls)) { BaseAddress = Server(tls).HttpUri };
        if (authorization is not null)
        {
            http.DefaultRequestHeaders.TryAddWithoutValidation("authorization", authorization.Contains(' ', StringComparison.Ordinal) ? authorization : $"Bearer {authorization}");
        }

        var response = await http.PostAsJsonAsync("/v1/entries", new { value = "refused.example.com" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected == HttpStatusCode.Unauthorized ? 16 : 7, body.GetProperty("code").GetInt32());
        Assert.Contains(message, body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, body.GetProperty("details").ValueKind);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        }
    }

    [Fact]
    public async Task Json_error_body_of_a_refused_token_has_the_shape_of_every_other_error()
    {
        using var anonymous = _plain.Http(null);
        using var editor = _plain.Http(TestTokens.Editor);

        var refused = await (await anonymous.GetAsync("/v1/entries")).Content.ReadFromJsonAsync<JsonElement>();
        var invalid = await (await editor.PostAsJsonAsync("/v1/entries", new { value = "10.1" })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(Shape(invalid), Shape(refused));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Raw_http2_answer_to_an_unauthenticated_call_carries_grpc_status_and_the_grpc_content_type(bool tls)
    {
        using var http = new HttpClient(Handler(tls));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Server(tls).GrpcUri, "/outputguard.v1.EntryService/ListEntries"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(new byte[5]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("16", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Equal(
            "missing \"authorization: Bearer <token>\" metadata",
            Uri.UnescapeDataString(Assert.Single(response.Headers.GetValues("grpc-message"))));
    }

    private ControlPlaneServer Server(bool tls) => tls ? _secure : _plain;

    private HttpMessageHandler Handler(bool tls) => tls ? _tls.TrustingHandler() : new SocketsHttpHandler();

    private static async Task CallAsync(GrpcChannel channel, string call, Metadata headers)
    {
        switch (call)
        {
            case "ListEntries":
                await new EntryService.EntryServiceClient(channel).ListEntriesAsync(new ListEntriesRequest(), headers);
                break;
            case "CreateEntry":
                await new EntryService.EntryServiceClient(channel).CreateEntryAsync(
                    new CreateEntryRequest { Entry = new Entry { Value = "refused.example.com" } }, headers);
                break;
            default:
                using (var sync = new GatewaySync.GatewaySyncClient(channel).Sync(headers))
                {
                    await sync.RequestStream.WriteAsync(new GatewayMessage { Hello = new Hello { GatewayId = "gw" } });
                    await sync.ResponseStream.MoveNext(CancellationToken.None);
                }

                break;
        }
    }

    private static string Shape(JsonElement body) =>
        string.Join(",", body.EnumerateObject().Select(p => $"{p.Name}:{p.Value.ValueKind}"));
}
