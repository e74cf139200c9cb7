using System.Net;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Netlink.Addressing;

namespace OutputGuard.Agent.Route.Tests.Configuration;

public sealed class CommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Gateway_repeats_and_has_the_old_single_dash_alias()
    {
        var options = Parse("--gateway", "10.0.0.2", "-iptables-gateway", "10.0.0.3", "--gateway=10.0.0.4,2001:db8::2");

        Assert.Equal(["10.0.0.2", "10.0.0.3", "10.0.0.4", "2001:db8::2"], options.Gateways.Select(g => g.ToString()));
    }

    [Fact]
    public void Every_flag_is_read()
    {
        var options = Parse(
            "--gateway", "fe80::2%eth0", "--internal", "10.96.0.0/12", "--internal", "100.200.0.0/16", "--treat-as-public", "192.0.2.0/24",
            "--interval", "500ms", "--cleanup-on-stop", "--netns", "lab", "--protocol", "0xC6", "--table", "100", "--metric", "7",
            "--probe-port", "9900", "--probe-interval", "2s", "--probe-failures", "5", "--verbose");

        Assert.Equal(new GatewayAddress(IPAddress.Parse("fe80::2"), "eth0"), options.Gateways.Single());
        Assert.Equal([IpPrefix.Parse("10.96.0.0/12"), IpPrefix.Parse("100.200.0.0/16")], options.Internal);
        Assert.Equal([IpPrefix.Parse("192.0.2.0/24")], options.TreatAsPublic);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Interval);
        Assert.True(options.CleanupOnStop);
        Assert.Equal("lab", options.Netns);
        Assert.Equal(198, options.Protocol);
        Assert.Equal(100u, options.Table);
        Assert.Equal(7u, options.Metric);
        Assert.Equal(9900, options.ProbePort);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ProbeInterval);
        Assert.Equal(5, options.ProbeFailures);
        Assert.True(options.Verbose);
    }

    [Fact]
    public void Defaults_are_protocol_197_main_table_metric_1024_and_a_ten_second_recheck()
    {
        var options = Parse("--gateway", "10.0.0.2");

        Assert.Equal(197, options.Protocol);
        Assert.Equal(254u, options.Table);
        Assert.Equal(1024u, options.Metric);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Interval);
        Assert.Null(options.ProbePort);
        Assert.False(options.DryRun || options.Cleanup);
    }

    [Theory]
    [InlineData("--internal=10.0.0.1/8", "--internal: '10.0.0.1/8' has host bits set")]
    [InlineData("--gateway=10.0.0", "--gateway: '10.0.0' is not an IP address")]
    [InlineData("--protocol=2", "--protocol: 2 is reserved for the kernel")]
    [InlineData("--interval=soon", "--interval: 'soon' is not a duration")]
    [InlineData("--probe-port=70000", "--probe-port: '70000' is not a number from 1 to 65535")]
    [InlineData("--netns=../x", "--netns: '../x' is not a namespace name")]
    [InlineData("--colour", "'--colour': unknown flag")]
    public void A_bad_value_is_refused_with_a_message_naming_the_flag(string arg, string message)
    {
        var options = CommandLine.Parse(["--gateway", "10.0.0.2", arg], NoEnvironment, out var errors, out _);

        Assert.Null(options);
        Assert.Contains(errors, e => e.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void No_gateway_is_an_error_except_for_cleanup()
    {
        Assert.Null(CommandLine.Parse([], NoEnvironment, out var errors, out _));
        Assert.Contains(errors, e => e.StartsWith("--gateway: at least one gateway", StringComparison.Ordinal));

        Assert.NotNull(CommandLine.Parse(["--cleanup"], NoEnvironment, out _, out _));
    }

    [Fact]
    public void Environment_fills_what_the_flags_leave_out()
    {
        var env = new Dictionary<string, string>
        {
            ["OUTPUTGUARD_GATEWAY"] = "10.0.0.2,10.0.0.3",
            ["OUTPUTGUARD_INTERNAL_RANGES"] = "10.96.0.0/12, 10.244.0.0/16",
            ["OUTPUTGUARD_TREAT_AS_PUBLIC"] = "192.0.2.0/24",
        };

        var fromEnv = CommandLine.Parse([], k => env.GetValueOrDefault(k), out _, out _)!;
        var flagWins = CommandLine.Parse(["--gateway", "10.0.0.9"], k => env.GetValueOrDefault(k), out _, out _)!;

        Assert.Equal(2, fromEnv.Gateways.Count);
        Assert.Equal(2, fromEnv.Internal.Count);
        Assert.Single(fromEnv.TreatAsPublic);
        Assert.Equal("10.0.0.9", flagWins.Gateways.Single().ToString());
    }

    private static RouteAgentOptions Parse(params string[] args) =>
        CommandLine.Parse(args, NoEnvironment, out var errors, out _) ?? throw new InvalidOperationException(string.Join("; ", errors));
}
