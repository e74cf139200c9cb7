using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>
/// Secrets at rest: the first-start admin token is single-use (retired once tokens are configured, never revived),
/// the embedded store is readable only by its owner, and a TLS key that others can read is refused at start.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class SecretsAtRestTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>, IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _dir = Directory.CreateTempSubdirectory("og-secrets-").FullName;

    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task The_first_start_token_is_retired_once_tokens_are_configured_and_never_comes_back(string backend)
    {
        await using var store = await ProcessBackend.CreateAsync(backend, mariaDb.CreateDatabaseAsync);
        const string listen = "http_address: 127.0.0.1:0\ngrpc_address: 127.0.0.1:0\n";
        string bootstrap;
        await using (var first = await ControlPlaneProcess.StartAsync("--config", store.WriteConfig(listen)))
        {
            bootstrap = TokenText().Match(first.Output).Value;
            Assert.Equal(StatusCode.OK, await ListWith(first.GrpcUri, bootstrap));
        }

        StatusCode withTokens;
        await using (var configured = await ControlPlaneProcess.StartAsync("--config", store.WriteConfig(listen + """
            tokens:
              - { name: ops, role: admin, secret: "ops-secret-0123456789" }

            """)))
        {
            withTokens = await ListWith(configured.GrpcUri, bootstrap);
            Assert.Equal(StatusCode.OK, await ListWith(configured.GrpcUri, "ops-secret-0123456789"));
        }

        var (exitCode, output) = await ControlPlaneProcess.RunToExitAsync("--config", store.WriteConfig(listen));

        Assert.StartsWith("og_", bootstrap, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, withTokens);
        Assert.Equal(2, exitCode);
        Assert.Contains("tokens: none are configured", output, StringComparison.Ordinal);
        Assert.DoesNotMatch(TokenText(), output);
    }

    [Fact]
    public async Task The_embedded_store_and_its_directory_are_readable_only_by_their_owner()
    {
        var data = Path.Combine(_dir, "new-data");
        await using (var server = await ControlPlaneServer.StartAsync(o => o.DataDir = data))
        {
            await new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor))
                .CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.50" } });
            var files = Directory.GetFiles(data);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            Assert.Contains(files, f => f.EndsWith("outputguard.db-wal", StringComparison.Ordinal));
            Assert.All(files, f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
        }
    }

    [Fact]
    public async Task A_tls_key_readable_by_others_is_refused_at_start_naming_tls_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(_dir, "cert.pem");
        var keyFile = Path.Combine(_dir, "key.pem");
        await File.WriteAllTextAsync(cert, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, key.ExportPkcs8PrivateKeyPem());
        File.SetUnixFileMode(keyFile, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (exitCode, output) = await ControlPlaneProcess.RunToExitAsync(
            "--data-dir", Path.Combine(_dir, "data"), "--tls-cert", cert, "--tls-key", keyFile, "--http-address", "127.0.0.1:0", "--grpc-address", "127.0.0.1:0");

        Assert.Equal(2, exitCode);
        Assert.Contains("tls_key", output, StringComparison.Ordinal);
        Assert.Contains("chmod 600", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ready;", output, StringComparison.Ordinal);
    }

    private static async Task<StatusCode> ListWith(Uri grpc, string token)
    {
        using var channel = GrpcChannel.ForAddress(grpc);
        try
        {
            await new EntryService.EntryServiceClient(channel).ListEntriesAsync(new ListEntriesRequest(), new Metadata { { "authorization", $"Bearer {token}" } });
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
    }

    [GeneratedRegex(@"og_[A-Za-z0-9_-]{20,}")]
    private static partial Regex TokenText();
}
