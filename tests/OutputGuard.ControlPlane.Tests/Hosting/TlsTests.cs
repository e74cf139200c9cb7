using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>With a certificate configured, both listeners serve TLS, and the gRPC port carries HTTP/1.1 too.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("og-tls-").FullName;
    private ControlPlaneServer _server = null!;
    private X509Certificate2 _certificate = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(_dir, "cert.pem");
        var keyFile = Path.Combine(_dir, "key.pem");
        await File.WriteAllTextAsync(cert, _certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        _server = await ControlPlaneServer.StartAsync(o =>
        {
            o.TlsCert = cert;
            o.TlsKey = keyFile;
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Grpc_and_json_api_are_served_over_tls_with_the_configured_certificate()
    {
        string? seen = null;
        HttpClientHandler Handler() => new()
        {
            ServerCertificateCustomValidationCallback = (_, c, _, _) =>
            {
                seen = c?.Thumbprint;
                return c?.Thumbprint == _certificate.Thumbprint;
            },
        };
        using var channel = GrpcChannel.ForAddress(_server.GrpcUri, new GrpcChannelOptions { HttpHandler = Handler() });
        using var http = new HttpClient(Handler()) { BaseAddress = _server.HttpUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.Editor);

        var created = await new EntryService.EntryServiceClient(channel).CreateEntryAsync(
            new CreateEntryRequest { Entry = new Entry { Value = "tls.example.com" } },
            new Grpc.Core.Metadata { { "authorization", $"Bearer {TestTokens.Editor}" } });
        var listed = await http.GetFromJsonAsync<JsonElement>("/v1/entries");

        Assert.Equal("https", _server.GrpcUri.Scheme);
        Assert.Equal("https", _server.HttpUri.Scheme);
        Assert.Equal(_certificate.Thumbprint, seen);
        Assert.Contains(listed.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString() == created.Name);
    }
}
