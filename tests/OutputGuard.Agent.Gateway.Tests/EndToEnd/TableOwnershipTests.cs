using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>
/// One gateway owns the table of a namespace; a failed start changes no existing table and leaves a drop table where
/// there was none; observe mode lasts only while its gateway runs.
/// </summary>
public sealed class TableOwnershipTests : IDisposable
{
    private readonly GatewayNamespace _ns = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-owner-").FullName;

    public TableOwnershipTests()
    {
        Tool.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Tool.In(_ns.Name, "ip", "link", "set", "lo", "up");
    }

    public void Dispose()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_second_gateway_leaves_the_table_byte_for_byte_and_names_the_holder(bool observe, bool fromOutside)
    {
        await using var first = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("one", 9900)]);
        var before = GatewayRun.Table(_ns.Name);
        string[] second = [.. Args("two", 9901), .. observe ? new[] { "--observe" } : []];

        var (code, _, stderr) = fromOutside
            ? Run(["dotnet", Artifacts.GatewayDll, "--netns", _ns.Name, .. second])
            : await GatewayRun.RunToExitAsync(_ns.Name, null, second);

        Assert.Equal(1, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"another gateway (PID {first.Id.ToString(CultureInfo.InvariantCulture)}) holds /run/outputguard/gateway-net-", line, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", line, StringComparison.Ordinal);
        Assert.Equal(before, GatewayRun.Table(_ns.Name));
        Assert.Contains("policy drop", _ns.Nft("list", "chain", "inet", "outputguard", "forward"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_table_records_its_owner_in_its_userdata()
    {
        await using var gateway = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("one", 9900)]);

        Assert.Contains($"comment \"owner outputguard-gateway pid {gateway.Id.ToString(CultureInfo.InvariantCulture)} (lock /run/outputguard/gateway-net-", _ns.Nft("list", "table", "inet", "outputguard"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_configuration_on_a_forwarding_host_without_a_table_leaves_a_drop_table()
    {
        Assert.Null(GatewayRun.Table(_ns.Name));

        var (code, stdout, _) = await GatewayRun.RunToExitAsync(_ns.Name, null, [.. Args("one", 9900), "--report-interval-ms", "50"]);

        Assert.Equal(2, code);
        Assert.Equal("1", Tool.In(_ns.Name, "sysctl", "-n", "net.ipv4.ip_forward").Trim());
        Assert.Equal("drop", GatewayRun.ForwardPolicy(_ns.Name));
        Assert.Contains("installed table inet outputguard with forward policy drop", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_that_starts_normally_adopts_the_fail_closed_table()
    {
        await GatewayRun.RunToExitAsync(_ns.Name, null, [.. Args("one", 9900), "--report-interval-ms", "50"]);

        await using var gateway = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("one", 9900), "--internal", "8.8.8.0/24"]);

        Assert.True(GatewayRun.SetHolds(_ns.Name, "internal4", "8.8.8.8"));
        Assert.Equal("drop", GatewayRun.ForwardPolicy(_ns.Name));
    }

    [Fact]
    public async Task A_port_in_use_exits_1_with_one_line_and_leaves_a_drop_table()
    {
        using var occupied = Listen(_ns.Name, 9900);

        var (code, _, stderr) = await GatewayRun.RunToExitAsync(_ns.Name, null, [.. Args("one", 9900)]);

        Assert.Equal(1, code);
        Assert.StartsWith("outputguard-gateway: cannot start: metrics_address 127.0.0.1:9900: address already in use", Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
        Assert.Equal("drop", GatewayRun.ForwardPolicy(_ns.Name));
        Assert.Single(Tool.In(_ns.Name, "ss", "-Htln").Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_missing_namespace_exits_1_with_one_line()
    {
        var (code, _, stderr) = Run(["dotnet", Artifacts.GatewayDll, .. Args("one", 9900), "--netns", "og-ge-no-such-namespace"]);

        Assert.Equal(1, code);
        Assert.Equal(
            "outputguard-gateway: cannot start: netns og-ge-no-such-namespace: no such network namespace (/var/run/netns/og-ge-no-such-namespace); create it (ip netns add og-ge-no-such-namespace) or fix netns",
            Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Observe_mode_is_on_only_while_its_gateway_runs_and_is_shown()
    {
        var observing = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("one", 9900), "--observe"]);
        try
        {
            Assert.Contains("mode observe", Curl("/healthz"), StringComparison.Ordinal);
            Assert.Contains("outputguard_observe_mode{hostname=", Curl("/metrics").Split('\n').Single(l => l.StartsWith("outputguard_observe_mode{", StringComparison.Ordinal)), StringComparison.Ordinal);
            Assert.EndsWith(" 1", Curl("/metrics").Split('\n').Single(l => l.StartsWith("outputguard_observe_mode{", StringComparison.Ordinal)).TrimEnd(), StringComparison.Ordinal);
            Assert.Contains("warn: outputguard-gateway[40] Observe mode", observing.Output, StringComparison.Ordinal);
            Assert.Contains("} accept", LastForwardRule(), StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(0, await observing.StopAsync());
            await observing.DisposeAsync();
        }

        Assert.Contains("} drop", LastForwardRule(), StringComparison.Ordinal);
        await using var normal = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("one", 9900)]);
        Assert.EndsWith(" 0", Curl("/metrics").Split('\n').Single(l => l.StartsWith("outputguard_observe_mode{", StringComparison.Ordinal)).TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("observe", Curl("/healthz"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_normal_start_turns_observe_mode_off_after_an_observing_gateway_was_killed()
    {
        await using (var observing = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("one", 9900), "--observe"]))
        {
            Assert.Contains("} accept", LastForwardRule(), StringComparison.Ordinal);
        }

        await using var normal = await GatewayRun.StartAsync(_ns.Name, null, [.. Args("one", 9900)]);

        Assert.Contains("} drop", LastForwardRule(), StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Run(string[] command)
    {
        var (code, stdout, stderr) = Tool.TryRun(command[0], command[1..]);
        return (code, stdout, stderr);
    }

    private static Socket Listen(string netns, int port)
    {
        var socket = OutputGuard.Netlink.Sockets.NetworkNamespace.Run(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen();
        return socket;
    }

    private IEnumerable<string> Args(string name, int port) =>
    [
        "--control-plane", "http://127.0.0.1:9", "--token", "t", "--state-file", Path.Combine(_dir, "state-" + name),
        "--metrics-address", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"),
    ];

    private string Curl(string path) => Tool.In(_ns.Name, "curl", "-s", "http://127.0.0.1:9900" + path);

    private string LastForwardRule() =>
        _ns.Nft("list", "chain", "inet", "outputguard", "forward").Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains("@denied", StringComparison.Ordinal)).Last();
}
