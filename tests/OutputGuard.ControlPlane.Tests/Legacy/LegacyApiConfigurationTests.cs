using System.Net;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Legacy;

/// <summary>The legacy_api keys through the configuration pipeline (YAML section &lt; environment &lt; flags), refusals naming the key.</summary>
public sealed class LegacyApiConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("og-legacy-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string yaml)
    {
        var file = Path.Combine(_dir, $"{Guid.NewGuid():N}.yaml");
        System.IO.File.WriteAllText(file, $"data_dir: {_dir}\n{yaml}");
        return file;
    }

    [Fact]
    public void The_legacy_api_section_of_the_file_sets_the_legacy_keys()
    {
        var file = File("legacy_api:\n  enabled: true\n  allow_from: [10.0.0.0/8, 192.0.2.7]\n  role: admin\n");

        var options = ControlPlaneConfiguration.Load(["--config", file], [], TextWriter.Null).Options!;

        Assert.Equal((true, "admin"), (options.LegacyApiEnabled, options.LegacyApiRole));
        Assert.Equal(["10.0.0.0/8", "192.0.2.7"], options.LegacyApiAllowFrom);
    }

    [Fact]
    public void The_environment_and_flags_override_the_file_section()
    {
        var file = File("legacy_api:\n  enabled: false\n  allow_from: [10.0.0.0/8]\n");
        var env = new Dictionary<string, string?> { ["OUTPUTGUARD_LEGACY_API_ENABLED"] = "true" };

        var options = ControlPlaneConfiguration.Load(["--config", file, "--legacy-api-allow-from", "172.16.0.0/12"], env, TextWriter.Null).Options!;

        Assert.True(options.LegacyApiEnabled);
        Assert.Equal(["172.16.0.0/12"], options.LegacyApiAllowFrom);
        Assert.Equal("editor", options.LegacyApiRole);
    }

    [Theory]
    [InlineData("legacy_api:\n  enabled: true\n  role: gateway\n", "legacy_api_role (file {file}:4): 'gateway' is not one of viewer, editor, admin")]
    [InlineData("legacy_api:\n  enabled: true\n  allow_from: [10.0.0.1/8]\n", "legacy_api_allow_from[0] (file {file}:4): '10.0.0.1/8' is not a CIDR or an address")]
    [InlineData("legacy_api:\n  enabled: true\n  alow_from: [10.0.0.0/8]\n", "legacy_api.alow_from (file {file}:4): unknown key; did you mean 'allow_from'?")]
    [InlineData("legacy_api:\n  send_queue: 0\n", "legacy_api_send_queue (file {file}:3): must be 1 to 100000, not 0")]
    public void A_bad_legacy_key_is_refused_naming_it_and_its_line(string yaml, string refusal)
    {
        var file = File(yaml);

        var loaded = ControlPlaneConfiguration.Load(["--config", file], [], TextWriter.Null);

        Assert.Null(loaded.Options);
        var expected = refusal.Replace("{file}", file, StringComparison.Ordinal);
        Assert.Contains(loaded.Problems, p => p.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_legacy_api_off_its_paths_stay_as_they_were()
    {
        await using var server = await ControlPlaneServer.StartAsync();
        using var anonymous = server.Http(null);
        using var admin = server.Http(TestTokens.Admin);

        using var withoutToken = await anonymous.GetAsync(new Uri("/ping", UriKind.Relative));
        using var withToken = await admin.GetAsync(new Uri("/api?add=203.0.113.1", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, withoutToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, withToken.StatusCode);
        Assert.Null(await server.Store.FindEntryByValueAsync("203.0.113.1/32", default));
    }
}
