using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>
/// The real gateway over flag, environment and file combinations, each row asserting the effective configuration
/// where it matters: the kernel's internal4 and clients4 sets (nft -j), or the one line and exit code that refuse it.
/// </summary>
public sealed class ConfigurationEndToEndTests : IDisposable
{
    private readonly GatewayNamespace _ns = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-e2e-config-").FullName;

    public ConfigurationEndToEndTests()
    {
        Tool.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Tool.In(_ns.Name, "ip", "link", "set", "lo", "up");
    }

    public void Dispose()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>name, args, environment (K=V;…), file, set:address that must be in the set, set:address that must not.</summary>
    public static TheoryData<string, string, string, string, string, string> Applied => new()
    {
        { "repeated --treat-as-public keeps both", "--treat-as-public 192.0.2.0/24 --treat-as-public 198.51.100.0/24", "", "", "internal4:10.1.2.3", "internal4:192.0.2.1 internal4:198.51.100.1" },
        { "repeated --internal keeps both", "--internal 8.8.8.0/24 --internal 9.9.9.0/24", "", "", "internal4:8.8.8.8 internal4:9.9.9.9", "internal4:1.1.1.1" },
        { "comma-separated --client-ranges", "--client-ranges 10.1.0.0/16,10.2.0.0/16", "", "", "clients4:10.1.0.1 clients4:10.2.0.1", "clients4:10.3.0.1" },
        { "the environment's list replaces the file's", "", "OUTPUTGUARD_INTERNAL_RANGES=9.9.9.0/24", "internal_ranges: [8.8.8.0/24]", "internal4:9.9.9.9", "internal4:8.8.8.8" },
        { "the flag's list replaces the environment's and the file's", "--internal 7.7.7.0/24", "OUTPUTGUARD_INTERNAL_RANGES=9.9.9.0/24", "internal_ranges: [8.8.8.0/24, 10.0.0.1/8]", "internal4:7.7.7.7", "internal4:8.8.8.8 internal4:9.9.9.9" },
        { "treat_as_public from the file", "", "", "treat_as_public:\n  - 192.0.2.0/24", "internal4:198.51.100.1", "internal4:192.0.2.1" },
        { "Gateway__ReportIntervalMs is not a setting and changes nothing", "--internal 8.8.8.0/24", "Gateway__ReportIntervalMs=50", "", "internal4:8.8.8.8", "" },
    };

    /// <summary>name, args, environment, file, the start of the one line it prints.</summary>
    public static TheoryData<string, string, string, string, string> Refused => new()
    {
        { "a scalar for a list in the file", "", "", "internal_ranges: 8.8.8.0/24", "internal_ranges (file {file}:1): a list is expected" },
        { "a too short report interval from the environment", "", "OUTPUTGUARD_REPORT_INTERVAL_MS=50", "", "report_interval_ms (environment OUTPUTGUARD_REPORT_INTERVAL_MS): 50 is too short" },
        { "a typo in a variable", "", "OUTPUTGUARD_INTERNAL_RANGE=8.8.8.0/24", "", "OUTPUTGUARD_INTERNAL_RANGE: not a setting of outputguard-gateway; did you mean OUTPUTGUARD_INTERNAL_RANGES?" },
        { "a bad CIDR from a flag", "--treat-as-public 192.0.2.0/33", "", "", "treat_as_public[0] (flag --treat-as-public): '33' is not a prefix length" },
        { "a boolean that is not true or false", "--observe=yes", "", "", "observe (flag --observe): 'yes' is not true or false" },
        { "an unknown key in the file", "", "", "observe: true\nreport_intervall_ms: 300", "report_intervall_ms (file {file}:2): unknown key; did you mean 'report_interval_ms'?" },
    };

    [Theory]
    [MemberData(nameof(Applied))]
    public async Task Configuration_reaches_the_kernel(string name, string args, string environment, string yaml, string holds, string lacks)
    {
        await using var gateway = await GatewayRun.StartAsync(_ns.Name, Environment(environment), [.. Args(args, yaml)]);

        foreach (var (set, address) in Pairs(holds))
        {
            Assert.True(GatewayRun.SetHolds(_ns.Name, set, address), $"{name}: {set} should hold {address}");
        }

        foreach (var (set, address) in Pairs(lacks))
        {
            Assert.False(GatewayRun.SetHolds(_ns.Name, set, address), $"{name}: {set} should not hold {address}");
        }
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_refused_configuration_exits_2_with_one_line_and_leaves_a_drop_table(string name, string args, string environment, string yaml, string line)
    {
        var (code, _, stderr) = await GatewayRun.RunToExitAsync(_ns.Name, Environment(environment), [.. Args(args, yaml)]);

        Assert.True(code == 2, $"{name}: exit {code}: {stderr}");
        var only = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("outputguard-gateway: configuration error: " + line.Replace("{file}", Path.Combine(_dir, "gateway.yaml"), StringComparison.Ordinal), only, StringComparison.Ordinal);
        Assert.Equal("drop", GatewayRun.ForwardPolicy(_ns.Name));
    }

    [Fact]
    public async Task A_refused_configuration_leaves_an_existing_table_byte_for_byte_as_it_was()
    {
        await using (var first = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("--internal 8.8.8.0/24", "")]))
        {
            await first.StopAsync();
        }

        var before = GatewayRun.Table(_ns.Name);

        var (code, _, _) = await GatewayRun.RunToExitAsync(_ns.Name, new Dictionary<string, string> { ["OUTPUTGUARD_REPORT_INTERVAL_MS"] = "50" }, [.. Args("", "")]);

        Assert.Equal(2, code);
        Assert.NotNull(before);
        Assert.Equal(before, GatewayRun.Table(_ns.Name));
    }

    private IEnumerable<string> Args(string args, string yaml)
    {
        yield return "--control-plane";
        yield return "http://127.0.0.1:9";
        yield return "--token";
        yield return "t";
        yield return "--state-file";
        yield return Path.Combine(_dir, "state");
        yield return "--metrics-address";
        yield return "127.0.0.1:9900";
        foreach (var a in args.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return a;
        }

        if (yaml.Length > 0)
        {
            var file = Path.Combine(_dir, "gateway.yaml");
            File.WriteAllText(file, yaml + "\n");
            yield return "--config";
            yield return file;
        }
    }

    private static Dictionary<string, string> Environment(string text) =>
        text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(kv => kv.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);

    private static IEnumerable<(string Set, string Address)> Pairs(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split(':', 2)).Select(p => (p[0], p[1]));
}
