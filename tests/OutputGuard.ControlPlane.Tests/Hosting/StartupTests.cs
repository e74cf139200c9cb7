using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>The real program's start: configuration errors in one line naming key and layer, legacy flags, the first-start token.</summary>
public sealed partial class StartupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("og-start-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("db_prot: 3306\n", "db_prot (file {file}:1): unknown key; did you mean 'db_port'?")]
    [InlineData("db_port: many\n", "db_port (file {file}:1): 'many' is not a whole number")]
    [InlineData("internal_ranges: 8.8.8.0/24\n", "internal_ranges (file {file}:1): a list is expected")]
    [InlineData("treat_as_public: 192.0.2.0/24\n", "treat_as_public (file {file}:1): a list is expected")]
    [InlineData("tokens:\n  - { name: a, role: admin, secret: \"short\" }\n", "tokens[0].secret (file {file}:2): token 'a' is shorter than 16 characters")]
    [InlineData("db_server: 127.0.0.1\n", "db_user")]
    [InlineData("http_address: nowhere\n", "http_address")]
    [InlineData("tokens:\n  - { name: a, role: root, secret: \"0123456789abcdefg\" }\n", "tokens[0].role")]
    [InlineData("tokens:\n  - { name: a, role: admin, sha256: \"abc\" }\n", "tokens[0].sha256")]
    [InlineData("treat_as_public: [\"192.0.2.0/33\"]\n", "treat_as_public")]
    [InlineData("tls_cert: /nonexistent.pem\n", "tls_cert/tls_key")]
    [InlineData("tls_cert: /nonexistent.pem\ntls_key: /nonexistent.key\n", "cannot load '/nonexistent.pem'")]
    public async Task Bad_configuration_stops_the_process_before_it_serves_naming_the_key(string yaml, string key)
    {
        var config = Path.Combine(_dir, "bad.yaml");
        await File.WriteAllTextAsync(config, yaml);

        var (exitCode, output) = await ControlPlaneProcess.RunToExitAsync("--config", config, "--data-dir", _dir);

        Assert.Equal(2, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("outputguard-control-plane: configuration error: ", line, StringComparison.Ordinal);
        Assert.Contains(key.Replace("{file}", config, StringComparison.Ordinal), line, StringComparison.Ordinal);
        Assert.Equal([config], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task Unknown_flag_is_refused_in_one_line_and_help_names_every_flag()
    {
        var (exitCode, output) = await ControlPlaneProcess.RunToExitAsync("--data-dirr", _dir);
        var (helpCode, help) = await ControlPlaneProcess.RunToExitAsync("--help");

        Assert.Equal(2, exitCode);
        Assert.Equal("outputguard-control-plane: configuration error: '--data-dirr': unknown flag; did you mean --data-dir?", output.Trim());
        Assert.Equal(0, helpCode);
        Assert.Contains("-server-conf-path", help, StringComparison.Ordinal);
        Assert.Contains("OUTPUTGUARD_DB_PASSWORD", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_names_version_and_commit()
    {
        var (exitCode, output) = await ControlPlaneProcess.RunToExitAsync("--version");

        Assert.Equal(0, exitCode);
        Assert.Matches(@"^outputguard-control-plane \S+ \(commit ([0-9a-f]+|unknown)\)$", output.Trim());
    }

    [Theory]
    [InlineData("file")]
    [InlineData("environment")]
    [InlineData("flag")]
    public async Task A_bad_value_in_any_layer_exits_2_naming_the_layer_and_changes_nothing(string layer)
    {
        var config = Path.Combine(_dir, "layer.yaml");
        await File.WriteAllTextAsync(config, layer == "file" ? "db_port: 70000\ndb_server: 127.0.0.1\n" : "db_server: 127.0.0.1\n");
        var environment = new Dictionary<string, string> { ["OUTPUTGUARD_DB_USER"] = "u", ["OUTPUTGUARD_DB_NAME"] = "n" };
        if (layer == "environment")
        {
            environment["OUTPUTGUARD_DB_PORT"] = "70000";
        }

        var (exitCode, output) = await ControlPlaneProcess.RunToExitAsync(
            environment, ["--config", config, "--data-dir", _dir, .. layer == "flag" ? new[] { "--db-port", "70000" } : []]);

        var origin = layer switch { "file" => $"file {config}:1", "environment" => "environment OUTPUTGUARD_DB_PORT", _ => "flag --db-port" };
        Assert.Equal(2, exitCode);
        Assert.Equal($"outputguard-control-plane: configuration error: db_port ({origin}): 70000 is not a port (1-65535)", output.Trim());
        Assert.Equal([config], Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void Legacy_flag_environment_and_flags_layer_over_the_yaml_file()
    {
        var config = Path.Combine(_dir, "layered.yaml");
        File.WriteAllText(config, "http_address: 127.0.0.1:1000\ngrpc_address: 127.0.0.1:1001\ndata_dir: /var/lib/og\n");
        var environment = new Dictionary<string, string?> { ["OUTPUTGUARD_GRPC_ADDRESS"] = "127.0.0.1:2001", ["OUTPUTGUARD_TREAT_AS_PUBLIC"] = "192.0.2.0/24,2001:db8::/32" };

        var options = ControlPlaneConfiguration.Load(["-server-conf-path", config, "--http-address=127.0.0.1:3000"], environment, TextWriter.Null).Options!;

        Assert.Equal("127.0.0.1:3000", options.HttpAddress);
        Assert.Equal("127.0.0.1:2001", options.GrpcAddress);
        Assert.Equal("/var/lib/og", options.DataDir);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], options.TreatAsPublic);
    }

    [Fact]
    public async Task First_start_without_tokens_prints_an_admin_token_once_and_stores_only_its_hash()
    {
        var args = new[] { "--data-dir", _dir, "--http-address", "127.0.0.1:0", "--grpc-address", "127.0.0.1:0" };
        string token;
        await using (var first = await ControlPlaneProcess.StartAsync(args))
        {
            token = TokenLine().Match(first.Output).Value;
            Assert.StartsWith("og_", token, StringComparison.Ordinal);
        }

        await using var second = await ControlPlaneProcess.StartAsync(args);
        using var channel = GrpcChannel.ForAddress(second.GrpcUri);
        var client = new EntryService.EntryServiceClient(channel);
        var withToken = await client.CreateEntryAsync(
            new CreateEntryRequest { Entry = new Entry { Value = "first-start.example.com" } },
            new Metadata { { "authorization", $"Bearer {token}" } });
        var anonymous = await Assert.ThrowsAsync<RpcException>(() => client.ListEntriesAsync(new ListEntriesRequest()).ResponseAsync);

        Assert.DoesNotContain("og_", second.Output, StringComparison.Ordinal);
        Assert.Equal("bootstrap-admin", withToken.CreateUser);
        Assert.Equal(StatusCode.Unauthenticated, anonymous.StatusCode);
        var database = Directory.GetFiles(_dir).Select(File.ReadAllBytes).SelectMany(b => b).ToArray();
        Assert.DoesNotContain(token, System.Text.Encoding.Latin1.GetString(database), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"og_[A-Za-z0-9_-]{20,}")]
    private static partial Regex TokenLine();
}
