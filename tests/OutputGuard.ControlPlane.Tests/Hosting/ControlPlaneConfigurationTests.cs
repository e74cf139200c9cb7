using System.Text.RegularExpressions;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>
/// The control plane's configuration over flag, environment and file combinations, each row asserting the effective
/// configuration (the internal ranges as the entry validator applies them, the listener address) or the refusal.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed partial class ControlPlaneConfigurationTests : IDisposable
{
    private static readonly string Root = RepositoryRoot.Find();

    private readonly string _dir = Directory.CreateTempSubdirectory("og-cp-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>name, args, environment (K=V;…), file, entries accepted, entries refused as internal, refusal (or "").</summary>
    public static TheoryData<string, string, string, string, string, string, string> Rows => new()
    {
        { "repeated --internal keeps both", "--internal 8.8.8.0/24 --internal 9.9.9.0/24", "", "", "1.1.1.1", "8.8.8.8 9.9.9.9", "" },
        { "repeated --treat-as-public keeps both", "--treat-as-public 192.0.2.0/24 --treat-as-public 198.51.100.0/24", "", "", "192.0.2.7 198.51.100.7", "203.0.113.7", "" },
        { "a scalar internal_ranges in the file is refused", "", "", "internal_ranges: 8.8.8.0/24", "", "", "internal_ranges (file {file}:1): a list is expected" },
        { "a scalar treat_as_public in the file is refused", "", "", "treat_as_public: 192.0.2.0/24", "", "", "treat_as_public (file {file}:1): a list is expected" },
        { "--internal replaces the file's list, bad element and all", "--internal 9.9.9.0/24", "", "internal_ranges: [8.8.8.0/24, 10.0.0.1/8]", "8.8.8.8", "9.9.9.9", "" },
        { "the environment replaces the file's list", "", "OUTPUTGUARD_INTERNAL_RANGES=9.9.9.0/24", "internal_ranges: [8.8.8.0/24]", "8.8.8.8", "9.9.9.9", "" },
        { "the flag replaces the environment's list", "--internal 7.7.7.0/24", "OUTPUTGUARD_INTERNAL_RANGES=9.9.9.0/24", "", "9.9.9.9", "7.7.7.7", "" },
        { "a typo in a variable is refused", "", "OUTPUTGUARD_HTTP_ADRESS=127.0.0.1:1", "", "", "", "OUTPUTGUARD_HTTP_ADRESS: not a setting of outputguard-control-plane; did you mean OUTPUTGUARD_HTTP_ADDRESS?" },
        { "tokens from the environment are refused", "", "OUTPUTGUARD_TOKENS=abc", "", "", "", "tokens (environment OUTPUTGUARD_TOKENS): tokens is a list of objects and can only be set in the configuration file" },
        { "a bad CIDR from the environment names the variable", "", "OUTPUTGUARD_TREAT_AS_PUBLIC=192.0.2.0/33", "", "", "", "treat_as_public (environment OUTPUTGUARD_TREAT_AS_PUBLIC): '33' is not a prefix length" },
        { "a short secret names the file line of the token", "", "", "tokens:\n  - { name: ops, role: admin, sha256: \"0000000000000000000000000000000000000000000000000000000000000000\" }\n  - { name: lab, role: admin, secret: \"short\" }", "", "", "tokens[1].secret (file {file}:3): token 'lab' is shorter than 16 characters" },
        { "a token with a secret of 16 characters or more binds", "", "", "tokens:\n  - { name: gw, role: gateway, secret: \"0123456789abcdefgh\" }", "1.1.1.1", "", "" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Configuration_decides_what_counts_as_internal(string name, string args, string environment, string yaml, string accepted, string refused, string refusal)
    {
        var file = Path.Combine(_dir, "cp.yaml");
        var argv = args.Split(' ', StringSplitOptions.RemoveEmptyEntries).Concat(["--data-dir", _dir]).ToList();
        if (yaml.Length > 0)
        {
            File.WriteAllText(file, yaml + "\n");
            argv.AddRange(["--config", file]);
        }

        var env = environment.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2))
            .Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])).ToList();

        var loaded = ControlPlaneConfiguration.Load(argv, env, TextWriter.Null);

        if (refusal.Length > 0)
        {
            Assert.True(loaded.Options is null, name);
            Assert.Contains(loaded.Problems, p => p.ToString().StartsWith(refusal.Replace("{file}", file, StringComparison.Ordinal), StringComparison.Ordinal));
            return;
        }

        Assert.True(loaded.Options is not null, $"{name}: {string.Join("; ", loaded.Problems)}");
        var validator = EntryValidator.FromOptions(loaded.Options);
        foreach (var value in accepted.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(validator.TryValidate(value, [], null, false, out _, out var error), $"{name}: {value} should be accepted: {error}");
        }

        foreach (var value in refused.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.False(validator.TryValidate(value, [], null, false, out _, out var error), $"{name}: {value} should be refused");
            Assert.Contains("internal", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Flags_beat_the_environment_which_beats_the_file()
    {
        var file = Path.Combine(_dir, "cp.yaml");
        File.WriteAllText(file, "http_address: 127.0.0.1:1000\ngrpc_address: 127.0.0.1:1001\nresolver_interval_s: 60\n");
        var env = new Dictionary<string, string?> { ["OUTPUTGUARD_GRPC_ADDRESS"] = "127.0.0.1:2001", ["OUTPUTGUARD_HTTP_ADDRESS"] = "127.0.0.1:2000" };

        var options = ControlPlaneConfiguration.Load(["--config", file, "--http-address", "127.0.0.1:3000", "--data-dir", _dir], env, TextWriter.Null).Options!;

        Assert.Equal(("127.0.0.1:3000", "127.0.0.1:2001", 60), (options.HttpAddress, options.GrpcAddress, options.ResolverIntervalSeconds));
    }

    [Fact]
    public void The_README_configuration_is_accepted_and_its_token_hashes_match_no_real_secret()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));
        var yaml = YamlBlock().Matches(readme).Select(m => m.Groups[1].Value).First(b => b.Contains("db_server:", StringComparison.Ordinal));
        var file = Path.Combine(_dir, "readme.yaml");
        File.WriteAllText(file, yaml);

        var loaded = ControlPlaneConfiguration.Load(["--config", file], [], TextWriter.Null);

        Assert.True(loaded.Options is not null, string.Join("; ", loaded.Problems));
        var hashes = loaded.Options.Tokens.Select(t => t.Sha256).OfType<string>().ToList();
        Assert.NotEmpty(hashes);
        string[] common = ["", "test", "secret", "password", "admin", "changeme", "token", "ops-ci", "letmein", "123456"];
        Assert.All(hashes, h =>
        {
            Assert.DoesNotContain(h, common.Select(ControlPlaneConfiguration.Sha256Hex));
            Assert.Single(h.Distinct());
        });
    }

    [Fact]
    public void Help_describes_every_flag_with_its_key_and_variable()
    {
        using var output = new StringWriter();
        var loaded = ControlPlaneConfiguration.Load(["--help"], [], output);
        var help = Regex.Replace(output.ToString(), @"\s+", " ");

        Assert.Equal(0, loaded.AnsweredWith);
        Assert.All(ControlPlaneConfiguration.Program.Schema.Settings.Where(s => s.Flag is not null), s =>
        {
            Assert.NotEmpty(s.Description);
            Assert.Contains($"key {s.Key}, env {s.EnvironmentVariable}", help, StringComparison.Ordinal);
        });
        Assert.Contains("Only in the file: tokens.", help, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}
