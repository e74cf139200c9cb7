using System.Diagnostics;
using System.Net.Sockets;
using OutputGuard.Agent.Route.Tests.Support;
using Xunit.Abstractions;

namespace OutputGuard.Agent.Route.Tests.Namespaces;

/// <summary>The published agent in a network namespace, with <c>ip -j route</c> as the oracle.</summary>
public sealed class RouteAgentTests(ITestOutputHelper output) : IDisposable
{
    private const int Proto = 197;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);
    private readonly RouteLab _lab = new();

    [Fact]
    public async Task Routes_appear_as_ip_route_shows_them()
    {
        var expected = RouteLab.Expected(AddressFamily.InterNetwork).Select(p => p.ToString()).ToList();

        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1);
        await WaitForRoutesAsync(agent, expected.Count);

        var routes = _lab.RoutesOf(Proto);
        Assert.Equal(expected, routes.Select(r => RouteLab.Dst(r)).ToList());
        Assert.All(routes, r =>
        {
            Assert.Equal(RouteLab.Gateway1, r.GetProperty("gateway").GetString());
            Assert.Equal("eth0", r.GetProperty("dev").GetString());
            Assert.Equal(1024, r.GetProperty("metric").GetInt32());
        });
        Assert.Contains("172.64.0.0/10", expected);
        Assert.Contains("172.128.0.0/9", expected);
        output.WriteLine($"{AgentBinary.Kind} agent: {routes.Count} IPv4 routes, RSS {agent.ResidentKib()} KiB");
    }

    [Fact]
    public async Task Deleted_route_is_restored_within_a_second()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1, "--interval", "1h");
        await WaitForRoutesAsync(agent, count);

        var watch = Stopwatch.StartNew();
        RouteLab.Ip(_lab.Client, "route", "del", "1.0.0.0/8", "proto", "197");
        await Eventually.True(
            () => _lab.RoutesOf(Proto).Any(r => RouteLab.Dst(r) == "1.0.0.0/8"),
            TimeSpan.FromSeconds(1),
            () => "1.0.0.0/8 back after deletion\n" + agent.Output,
            pollMilliseconds: 5);
        output.WriteLine($"restored after {watch.Elapsed.TotalMilliseconds:F0} ms (including the ip processes that deleted and looked)");
    }

    [Fact]
    public async Task Own_route_changed_by_hand_is_put_back()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1, "--interval", "1h");
        await WaitForRoutesAsync(agent, count);

        RouteLab.Ip(_lab.Client, "route", "replace", "1.0.0.0/8", "via", RouteLab.Gateway2, "proto", "197", "metric", "1024");

        await Eventually.True(
            () => _lab.RoutesOf(Proto).Single(r => RouteLab.Dst(r) == "1.0.0.0/8") is var r && RouteLab.GatewaysOf(r).SequenceEqual([RouteLab.Gateway1]),
            Settle,
            () => "1.0.0.0/8 via the gateway again\n" + agent.Output);
        await agent.WaitForOutputAsync("route 1.0.0.0/8 replaced: now via 10.77.0.2");
    }

    [Fact]
    public async Task Runs_as_an_unprivileged_user_with_nothing_but_CAP_NET_ADMIN()
    {
        // What the systemd unit (DynamicUser, AmbientCapabilities=CAP_NET_ADMIN) and the DaemonSet grant.
        var agentPath = await AgentBinary.PathAsync();
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;

        await using var agent = AgentProcess.Start(
            "ip", "netns", "exec", _lab.Client,
            "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all,+net_admin",
            "--ambient-caps=-all,+net_admin", "--bounding-set=-all,+net_admin", "--",
            agentPath, "--gateway", RouteLab.Gateway1, "--treat-as-public", string.Join(',', RouteLab.LabPublic));

        await WaitForRoutesAsync(agent, count);
    }

    [Fact]
    public async Task Foreign_routes_are_left_alone()
    {
        // Same destination and metric as one of the agent's routes, and one elsewhere, both of another owner.
        RouteLab.Ip(_lab.Client, "route", "add", "1.0.0.0/8", "via", RouteLab.Gateway2, "proto", "static", "metric", "1024");
        RouteLab.Ip(_lab.Client, "route", "add", "8.8.8.0/24", "via", RouteLab.Gateway2, "proto", "static");
        var foreignBefore = Foreign();
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;

        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1);
        await WaitForRoutesAsync(agent, count - 1);
        RouteLab.Ip(_lab.Client, "route", "del", "2.0.0.0/7", "proto", "197");
        await WaitForRoutesAsync(agent, count - 1);

        Assert.Equal(foreignBefore, Foreign());
        Assert.DoesNotContain(_lab.RoutesOf(Proto), r => RouteLab.Dst(r) == "1.0.0.0/8");
        await agent.WaitForOutputAsync("1.0.0.0/8 not installed: a route of protocol 4");
    }

    [Fact]
    public async Task Cleanup_removes_only_the_agents_routes()
    {
        RouteLab.Ip(_lab.Client, "route", "add", "8.8.8.0/24", "via", RouteLab.Gateway2, "proto", "static");
        RouteLab.Ip(_lab.Client, "route", "add", "9.9.9.0/24", "via", RouteLab.Gateway2, "proto", "198");
        RouteLab.Ip(_lab.Client, "-6", "route", "add", "2400::/12", "via", RouteLab.Gateway6b, "proto", "static");
        var before = _lab.AllRoutes();
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count + RouteLab.Expected(AddressFamily.InterNetworkV6).Count;
        var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1, "--gateway", RouteLab.Gateway6);
        await using (agent)
        {
            await Eventually.True(() => _lab.RoutesOf(Proto).Count + _lab.RoutesOf(Proto, ipv6: true).Count == count, Settle, () => agent.Output);
            await agent.KillAsync();
        }

        var (code, _, stderr) = await AgentProcess.RunAsync("--cleanup", "--netns", _lab.Client);

        Assert.True(code == 0, stderr);
        Assert.Empty(_lab.RoutesOf(Proto));
        Assert.Empty(_lab.RoutesOf(Proto, ipv6: true));
        Assert.Equal(before, _lab.AllRoutes());
        Assert.Contains($"{count} routes of protocol 197 removed", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_gateways_give_one_multipath_route_per_range()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;

        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1, "-iptables-gateway", RouteLab.Gateway2);
        await Eventually.True(
            () => _lab.RoutesOf(Proto) is var r && r.Count == count && r.All(x => RouteLab.GatewaysOf(x).Count == 2),
            Settle,
            () => "multipath routes\n" + agent.Output);

        Assert.All(_lab.RoutesOf(Proto), r => Assert.Equal([RouteLab.Gateway1, RouteLab.Gateway2], RouteLab.GatewaysOf(r)));
    }

    [Fact]
    public async Task Gateway_off_link_is_a_clear_error_and_changes_nothing()
    {
        var before = _lab.AllRoutes();

        var (code, _, stderr) = await AgentProcess.RunAsync("--gateway", "10.99.0.2", "--netns", _lab.Client);

        Assert.Equal(1, code);
        Assert.Contains("gateway 10.99.0.2 is not on-link", stderr, StringComparison.Ordinal);
        Assert.Contains("eth0 10.77.0.1/24", stderr, StringComparison.Ordinal);
        Assert.Contains("lo 127.0.0.1/8", stderr, StringComparison.Ordinal);
        Assert.Equal(before, _lab.AllRoutes());
    }

    [Fact]
    public async Task One_gateway_off_link_among_several_changes_nothing_either()
    {
        var before = _lab.AllRoutes();

        var (code, _, stderr) = await AgentProcess.RunAsync("--gateway", RouteLab.Gateway1, "--gateway", "192.168.5.5", "--netns", _lab.Client);

        Assert.Equal(1, code);
        Assert.Contains("gateway 192.168.5.5 is not on-link", stderr, StringComparison.Ordinal);
        Assert.Equal(before, _lab.AllRoutes());
    }

    [Fact]
    public async Task Missing_capability_is_a_clear_error()
    {
        var before = _lab.AllRoutes();
        var agentPath = await AgentBinary.PathAsync();

        var (code, _, stderr) = Tool.TryRun(
            "setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin", "--",
            agentPath, "--gateway", RouteLab.Gateway1, "--netns", _lab.Client);

        Assert.Equal(1, code);
        Assert.Contains("needs CAP_NET_ADMIN", stderr, StringComparison.Ordinal);
        Assert.Equal(before, _lab.AllRoutes());
    }

    [Fact]
    public async Task Dry_run_prints_the_routes_and_changes_nothing()
    {
        var before = _lab.AllRoutes();
        var expected = RouteLab.Expected(AddressFamily.InterNetwork);

        var (code, stdout, stderr) = await AgentProcess.RunAsync(
            "--dry-run", "--gateway", RouteLab.Gateway1, "--netns", _lab.Client, "--treat-as-public", string.Join(',', RouteLab.LabPublic));

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Select(p => $"{p} proto 197 metric 1024 table 254 via {RouteLab.Gateway1}"), lines);
        Assert.Equal(before, _lab.AllRoutes());
    }

    [Fact]
    public async Task IPv6_gateway_routes_the_IPv6_public_ranges_too()
    {
        var v4 = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        var v6 = RouteLab.Expected(AddressFamily.InterNetworkV6).Select(p => p.ToString()).ToList();

        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1, "--gateway", RouteLab.Gateway6);
        await Eventually.True(() => _lab.RoutesOf(Proto, ipv6: true).Count == v6.Count, Settle, () => "IPv6 routes\n" + agent.Output);

        var routes = _lab.RoutesOf(Proto, ipv6: true);
        Assert.Equal(v6, routes.Select(r => RouteLab.Dst(r)).ToList());
        Assert.All(routes, r => Assert.Equal(RouteLab.Gateway6, r.GetProperty("gateway").GetString()));
        Assert.Equal(v4, _lab.RoutesOf(Proto).Count);
        output.WriteLine($"{v4} IPv4 and {v6.Count} IPv6 routes");
    }

    [Fact]
    public async Task Configuration_change_removes_the_routes_no_longer_wanted()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1);
        await using (agent)
        {
            await WaitForRoutesAsync(agent, count);
            await agent.KillAsync();
        }

        var narrower = RouteLab.Expected(AddressFamily.InterNetwork, "1.0.0.0/8").Select(p => p.ToString()).ToList();
        await using var again = await StartAgentAsync("--gateway", RouteLab.Gateway1, "--internal", "1.0.0.0/8");
        await Eventually.True(
            () => _lab.RoutesOf(Proto).Select(r => RouteLab.Dst(r)).SequenceEqual(narrower),
            Settle,
            () => "routes without 1.0.0.0/8\n" + again.Output);

        await again.WaitForOutputAsync("route 1.0.0.0/8 removed");
    }

    [Fact]
    public async Task Two_IPv6_gateways_give_IPv6_multipath_routes()
    {
        var v6 = RouteLab.Expected(AddressFamily.InterNetworkV6).Count;

        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway6, "--gateway", RouteLab.Gateway6b);

        await Eventually.True(
            () => _lab.RoutesOf(Proto, ipv6: true) is var r && r.Count == v6 && r.All(x => RouteLab.GatewaysOf(x).SequenceEqual([RouteLab.Gateway6, RouteLab.Gateway6b])),
            Settle,
            () => "IPv6 multipath routes\n" + agent.Output);
        Assert.Empty(_lab.RoutesOf(Proto));
    }

    [Fact]
    public async Task Routes_come_back_when_the_link_to_the_gateway_comes_back_up()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1, "--interval", "1h");
        await WaitForRoutesAsync(agent, count);

        RouteLab.Ip(_lab.Client, "link", "set", "eth0", "down");
        await Eventually.True(() => _lab.RoutesOf(Proto).Count == 0, Settle, () => "the kernel drops the routes of a down link");
        RouteLab.Ip(_lab.Client, "link", "set", "eth0", "up");

        await WaitForRoutesAsync(agent, count);
        await agent.WaitForOutputAsync("gateway 10.77.0.2 is on-link through eth0, which is down");
    }

    [Fact]
    public async Task Cleanup_on_stop_removes_the_agents_routes_when_it_is_terminated()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        await using var agent = await StartAgentAsync("--gateway", RouteLab.Gateway1, "--cleanup-on-stop");
        await WaitForRoutesAsync(agent, count);

        agent.Terminate();

        Assert.Equal(0, await agent.WaitForExitAsync(Settle));
        Assert.Empty(_lab.RoutesOf(Proto));
    }

    public void Dispose() => _lab.Dispose();

    private Task<AgentProcess> StartAgentAsync(params string[] args) =>
        AgentProcess.StartAsync([.. args, "--netns", _lab.Client, "--treat-as-public", string.Join(',', RouteLab.LabPublic)]);

    private async Task WaitForRoutesAsync(AgentProcess agent, int count)
    {
        await Eventually.True(
            () => agent.HasExited || _lab.RoutesOf(Proto).Count == count,
            Settle,
            () => $"{count} routes of protocol {Proto} (have {_lab.RoutesOf(Proto).Count})\n{agent.Output}");
        Assert.False(agent.HasExited, "the agent exited:\n" + agent.Output);
    }

    private List<string> Foreign() =>
        _lab.RoutesOf(4).Select(r => r.GetRawText()).ToList();
}
