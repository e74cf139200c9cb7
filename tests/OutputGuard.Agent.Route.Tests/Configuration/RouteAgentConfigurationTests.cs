using System.Net;
using OutputGuard.Addressing;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Agent.Route.Planning;

namespace OutputGuard.Agent.Route.Tests.Configuration;

/// <summary>
/// The route agent's configuration over flag, environment and file combinations, each row asserting the routes the
/// agent would install (which addresses go to the gateway) or the one line that refuses it.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class RouteAgentConfigurationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("og-route-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>name, args, environment (K=V;K=V), file (or ""), routed addresses, not routed addresses, refusal (or "").</summary>
    public static TheoryData<string, string, string, string, string, string, string> Rows => new()
    {
        { "repeated --treat-as-public keeps both", "--gateway 10.0.0.2 --treat-as-public 192.0.2.0/24 --treat-as-public 198.51.100.0/24", "", "", "192.0.2.1 198.51.100.1", "203.0.113.1", "" },
        { "repeated --internal keeps both", "--gateway 10.0.0.2 --internal 8.8.8.0/24 --internal 9.9.9.0/24", "", "", "1.1.1.1", "8.8.8.8 9.9.9.9", "" },
        { "comma-separated --internal", "--gateway 10.0.0.2 --internal=8.8.8.0/24,9.9.9.0/24", "", "", "1.1.1.1", "8.8.8.8 9.9.9.9", "" },
        { "a scalar for a list in the file is refused", "--gateway 10.0.0.2", "", "internal_ranges: 8.8.8.0/24", "", "", "internal_ranges (file {file}:1): a list is expected" },
        { "the flag's list replaces the file's", "--internal 9.9.9.0/24", "", "gateway: [10.0.0.2]\ninternal_ranges: [8.8.8.0/24, 10.1.0.0/33]", "8.8.8.8", "9.9.9.9", "" },
        { "the environment's list replaces the file's", "", "OUTPUTGUARD_INTERNAL_RANGES=9.9.9.0/24", "gateway: [10.0.0.2]\ninternal_ranges: [8.8.8.0/24]", "8.8.8.8", "9.9.9.9", "" },
        { "the flag's list replaces the environment's", "--internal 7.7.7.0/24", "OUTPUTGUARD_INTERNAL_RANGES=9.9.9.0/24;OUTPUTGUARD_GATEWAY=10.0.0.2", "", "9.9.9.9", "7.7.7.7", "" },
        { "gateways from the environment, comma-separated", "", "OUTPUTGUARD_GATEWAY=10.0.0.2, 2001:db8::2", "", "1.1.1.1 2600::1", "", "" },
        { "a typo in a variable is refused", "--gateway 10.0.0.2", "OUTPUTGUARD_INTERNAL_RANGE=8.8.8.0/24", "", "", "", "OUTPUTGUARD_INTERNAL_RANGE: not a setting of outputguard-route; did you mean OUTPUTGUARD_INTERNAL_RANGES?" },
        { "a bad item in the file names its line", "", "", "gateway: [10.0.0.2]\ninternal_ranges:\n  - 8.8.8.0/24\n  - 10.0.0.1/8", "", "", "internal_ranges[1] (file {file}:4): '10.0.0.1/8' has host bits set" },
        { "a bad gateway from the environment names the variable", "", "OUTPUTGUARD_GATEWAY=10.0.0", "", "", "", "gateway[0] (environment OUTPUTGUARD_GATEWAY): '10.0.0' is not an IP address" },
        { "--cleanup true is accepted", "--cleanup true", "", "", "", "", "" },
        { "--cleanup=yes is refused", "--cleanup=yes", "", "", "", "", "cleanup (flag --cleanup): 'yes' is not true or false" },
        { "the old single-dash gateway flag", "-iptables-gateway 10.0.0.2 --treat-as-public 192.0.2.0/24", "", "", "192.0.2.1", "10.0.0.2", "" },
        { "an unknown key in the file", "--gateway 10.0.0.2", "", "gateways: [10.0.0.3]", "", "", "gateways (file {file}:1): unknown key; did you mean 'gateway'?" },
        { "no gateway anywhere", "", "", "", "", "", "gateway: at least one gateway address is required" },
        { "a reserved protocol number from the file", "--gateway 10.0.0.2", "", "protocol: 2", "", "", "protocol (file {file}:1): 2 is reserved for the kernel" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Configuration_decides_the_routes(string name, string args, string environment, string yaml, string routed, string notRouted, string refusal)
    {
        var file = Path.Combine(_dir, "route.yaml");
        var argv = args.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (yaml.Length > 0)
        {
            File.WriteAllText(file, yaml + "\n");
            argv.AddRange(["--config", file]);
        }

        var env = environment.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(kv => kv.Split('=', 2)).Select(kv => new KeyValuePair<string, string?>(kv[0], kv[1])).ToList();

        var (options, problems) = Load(argv, env);

        if (refusal.Length > 0)
        {
            Assert.True(options is null, name);
            Assert.Contains(problems, p => p.StartsWith(refusal.Replace("{file}", file, StringComparison.Ordinal), StringComparison.Ordinal));
            return;
        }

        Assert.True(options is not null, $"{name}: {string.Join("; ", problems)}");
        var plan = RoutePlan.Create(options);
        foreach (var address in routed.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.True(Routed(plan, address), $"{name}: {address} should go to the gateway");
        }

        foreach (var address in notRouted.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Assert.False(Routed(plan, address), $"{name}: {address} should not go to the gateway");
        }
    }

    [Fact]
    public void Every_setting_is_read_from_its_flag()
    {
        var (options, problems) = Load(
            ["--gateway", "fe80::2%eth0", "--internal", "10.96.0.0/12", "--treat-as-public", "192.0.2.0/24", "--interval", "500ms",
             "--cleanup-on-stop", "--netns", "lab", "--protocol", "0xC6", "--table", "100", "--metric", "7",
             "--probe-port", "9900", "--probe-interval", "2s", "--probe-failures", "5", "--verbose"],
            []);

        Assert.True(options is not null, string.Join("; ", problems));
        Assert.Equal(new GatewayAddress(IPAddress.Parse("fe80::2"), "eth0"), options.Gateways.Single());
        Assert.Equal([IpPrefix.Parse("10.96.0.0/12")], options.Internal);
        Assert.Equal([IpPrefix.Parse("192.0.2.0/24")], options.TreatAsPublic);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Interval);
        Assert.True(options.CleanupOnStop && options.Verbose);
        Assert.Equal(("lab", (byte)198, 100u, 7u), (options.Netns, options.Protocol, options.Table, options.Metric));
        Assert.Equal((9900, TimeSpan.FromSeconds(2), 5), (options.ProbePort!.Value, options.ProbeInterval, options.ProbeFailures));
    }

    [Fact]
    public void Defaults_are_protocol_197_main_table_metric_1024_and_a_ten_second_recheck()
    {
        var (options, _) = Load(["--gateway", "10.0.0.2"], []);

        Assert.NotNull(options);
        Assert.Equal((197, 254u, 1024u, TimeSpan.FromSeconds(10)), ((int)options.Protocol, options.Table, options.Metric, options.Interval));
        Assert.Null(options.ProbePort);
        Assert.False(options.DryRun || options.Cleanup);
    }

    [Fact]
    public void Help_names_every_flag_with_its_key_and_variable()
    {
        using var output = new StringWriter();
        var loaded = RouteAgentConfiguration.Load(["--help"], [], output);
        var help = System.Text.RegularExpressions.Regex.Replace(output.ToString(), @"\s+", " ");

        Assert.Equal(0, loaded.AnsweredWith);
        Assert.All(RouteAgentConfiguration.Program.Schema.Settings, s =>
        {
            Assert.NotEmpty(s.Description);
            Assert.Contains($"{s.Flag}", help, StringComparison.Ordinal);
            Assert.Contains($"key {s.Key}, env {s.EnvironmentVariable}", help, StringComparison.Ordinal);
        });
    }

    internal static (RouteAgentOptions? Options, List<string> Problems) Load(IReadOnlyList<string> args, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        var loaded = RouteAgentConfiguration.Load(args, environment, TextWriter.Null);
        var errors = new List<string>();
        var options = loaded.Options?.ToOptions(errors);
        return (options, [.. loaded.Problems.Select(p => p.ToString()), .. errors]);
    }

    private static bool Routed(RoutePlan plan, string address)
    {
        var ip = IPAddress.Parse(address);
        return plan.All.Any(p => p.Contains(ip));
    }
}
