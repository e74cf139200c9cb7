using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>With a certificate configured, both listeners serve TLS, and the gRPC port carries HTTP/1.1 too.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class TlsTests : IAsyncLifetime
{
    private readonly TestCertificate _tls = new();
    private ControlPlaneServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await ControlPlaneServer.StartAsync(o =>
        {
            o.TlsCert = _tls.CertificateFile;
            o.TlsKey = _tls.KeyFile;
        });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _tls.Dispose();
    }

    [Fact]
    public async Task Grpc_and_json_api_are_served_over_tls_with_the_configured_certificate()
    {
        string? seen = null;
        HttpClientHandler Handler() => _tls.TrustingHandler(t => seen = t);
        using var channel = GrpcChannel.ForAddress(_server.GrpcUri, new GrpcChannelOptions { HttpHandler = Handler() });
        using var http = new HttpClient(Handler()) { BaseAddress = _server.HttpUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Editor);

        var created = await new EntryService.EntryServiceClient(channel).CreateEntryAsync(
            new CreateEntryRequest { Entry = new Entry { Value = "tls.example.com" } },
            new Grpc.Core.Metadata { { "authorization", $"Bearer {TestTokens.Editor}" } });
        var listed = await http.GetFromJsonAsync<JsonElement>("/v1/entries");

        Assert.Equal("https", _server.GrpcUri.Scheme);
        Assert.Equal("https", _server.HttpUri.Scheme);
        Assert.Equal(_tls.Certificate.Thumbprint, seen);
        Assert.Contains(listed.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString() == created.Name);
    }
}
