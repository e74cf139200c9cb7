using System.Text.RegularExpressions;
using OutputGuard.Agent.Gateway.Configuration;

namespace OutputGuard.Agent.Gateway.Tests.Configuration;

/// <summary>The gateway's configuration through the shared pipeline: what binds, what is refused and how it is named.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class GatewayConfigurationTests : IDisposable
{
    private static readonly string Root = RepositoryRoot.Find();
    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Legacy_flag_names_the_control_plane()
    {
        var options = Bind("-iptables-wss-server", "ws://cp.example:8081", "--token", "t");

        Assert.Equal("ws://cp.example:8081", options.ControlPlane);
        Assert.Equal(new Uri("http://cp.example:8081/"), GatewayOptionsValidator.ControlPlaneUri(options.ControlPlane));
    }

    [Fact]
    public void Bare_boolean_flags_are_true_and_take_true_or_false()
    {
        Assert.True(Bind("--observe", "--control-plane=http://a:1", "--token", "t").Observe);
        Assert.True(Bind("--observe=true", "--control-plane=http://a:1", "--token", "t").Observe);
        Assert.False(Bind("--observe", "false", "--control-plane=http://a:1", "--token", "t").Observe);
        Assert.True(Bind("--cleanup").Cleanup);
    }

    [Fact]
    public void Defaults_match_the_legacy_metrics_port()
    {
        Assert.Equal("0.0.0.0:9900", Bind("--cleanup").MetricsAddress);
    }

    [Fact]
    public void Repeated_range_flags_accumulate()
    {
        var options = Bind("--cleanup", "--treat-as-public", "192.0.2.0/24", "--treat-as-public", "198.51.100.0/24", "--internal", "10.96.0.0/12", "--internal=10.244.0.0/16,100.64.1.0/24");

        Assert.Equal(["192.0.2.0/24", "198.51.100.0/24"], options.TreatAsPublic);
        Assert.Equal(["10.96.0.0/12", "10.244.0.0/16", "100.64.1.0/24"], options.InternalRanges);
    }

    [Theory]
    [InlineData("--contol-plane=x", "'--contol-plane=x': unknown flag; did you mean --control-plane?")]
    [InlineData("--client-ranges=10.0.0.0/8,nonsense", "client_ranges[1] (flag --client-ranges): 'nonsense' is not an IP address")]
    [InlineData("--metrics-address=0.0.0.0", "metrics_address (flag --metrics-address): '0.0.0.0' is not ADDRESS:PORT")]
    [InlineData("--report-interval-ms=50", "report_interval_ms (flag --report-interval-ms): 50 is too short; give 100 or more")]
    [InlineData("--observe=maybe", "observe (flag --observe): 'maybe' is not true or false")]
    public void A_bad_flag_is_refused_naming_key_and_flag(string arg, string expected)
    {
        var problems = Problems(["--control-plane", "http://a:1", "--token", "t", arg], []);

        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_token_is_named()
    {
        Assert.Contains(Problems(["--control-plane", "http://a:1"], []), p => p.StartsWith("token_file: the gateway token is required", StringComparison.Ordinal));
    }

    [Fact]
    public void A_bad_value_from_the_environment_names_the_variable_and_a_foreign_variable_is_ignored()
    {
        var problems = Problems(
            ["--control-plane", "http://a:1", "--token", "t"],
            [new("OUTPUTGUARD_REPORT_INTERVAL_MS", "50"), new("Gateway__ReportIntervalMs", "50")]);

        Assert.Equal(["report_interval_ms (environment OUTPUTGUARD_REPORT_INTERVAL_MS): 50 is too short; give 100 or more"], problems);
    }

    [Fact]
    public void The_shipped_configuration_file_is_accepted()
    {
        var token = Path.Combine(_dir, "gateway.token");
        File.WriteAllText(token, "secret");
        using var output = new StringWriter();

        var loaded = GatewayConfiguration.Load(
            ["--config", Path.Combine(Root, "deploy", "systemd", "gateway.yaml")], [new("OUTPUTGUARD_TOKEN_FILE", token)], output);

        Assert.True(loaded.Options is not null, string.Join("; ", loaded.Problems));
        Assert.Equal("http://control-plane.example:8081", loaded.Options.ControlPlane);
        Assert.Equal("0.0.0.0:9900", loaded.Options.MetricsAddress);
        var unit = File.ReadAllText(Path.Combine(Root, "deploy", "systemd", "outputguard-gateway.service"));
        Assert.Contains("ExecStart=/usr/local/bin/outputguard-gateway --config /etc/outputguard/gateway.yaml", unit, StringComparison.Ordinal);
        Assert.Contains("RuntimeDirectory=outputguard", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_describes_every_flag_with_its_key_and_variable()
    {
        using var output = new StringWriter();
        var loaded = GatewayConfiguration.Load(["--help"], [], output);
        var help = Regex.Replace(output.ToString(), @"\s+", " ");

        Assert.Equal(0, loaded.AnsweredWith);
        Assert.All(GatewayConfiguration.Program.Schema.Settings, s =>
        {
            Assert.NotEmpty(s.Description);
            Assert.Contains($"key {s.Key}, env {s.EnvironmentVariable}", help, StringComparison.Ordinal);
        });
        Assert.Contains("-iptables-wss-server", help, StringComparison.Ordinal);
    }

    private static GatewayOptions Bind(params string[] args)
    {
        var loaded = GatewayConfiguration.Load(args, [], TextWriter.Null);
        return loaded.Options ?? throw new InvalidOperationException(string.Join("; ", loaded.Problems));
    }

    private static List<string> Problems(string[] args, KeyValuePair<string, string?>[] environment) =>
        [.. GatewayConfiguration.Load(args, environment, TextWriter.Null).Problems.Select(p => p.ToString())];
}
