using System.Net.Sockets;
using System.Text;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

public sealed class AgentProcessTests : IDisposable
{
    private readonly GatewayNamespace _ns = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-proc-").FullName;

    public void Dispose()
    {
        _ns.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string[] AgentArgs(params string[] extra) =>
    [
        "dotnet", Artifacts.GatewayDll, "--control-plane", "http://127.0.0.1:9", "--token", "t",
        "--state-file", Path.Combine(_dir, "state"), "--metrics-address", "127.0.0.1:9900", .. extra,
    ];

    [Fact]
    public void Ip_forward_off_is_a_clear_error_that_names_the_fix()
    {
        var (code, output) = Tool.TryRun("ip", ["netns", "exec", _ns.Name, .. AgentArgs()]);

        Assert.Equal(1, code);
        Assert.Contains("net.ipv4.ip_forward is off", output, StringComparison.Ordinal);
        Assert.Contains("sysctl -w net.ipv4.ip_forward=1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_CAP_NET_ADMIN_is_a_clear_error_that_names_the_fix()
    {
        Tool.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");

        var (code, output) = Tool.TryRun("ip", ["netns", "exec", _ns.Name, "setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin", .. AgentArgs()]);

        Assert.Equal(1, code);
        Assert.Contains("missing capability CAP_NET_ADMIN", output, StringComparison.Ordinal);
        Assert.DoesNotContain("outputguard", _ns.Nft("list", "tables"), StringComparison.Ordinal);
    }

    [Fact]
    public void Cleanup_removes_the_table_the_agent_left()
    {
        Tool.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Tool.In(_ns.Name, "nft", "add", "table", "inet", "outputguard");

        var (code, output) = Tool.TryRun("ip", ["netns", "exec", _ns.Name, "dotnet", Artifacts.GatewayDll, "--cleanup"]);

        Assert.True(code == 0, output);
        Assert.DoesNotContain("outputguard", _ns.Nft("list", "tables"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Started_without_a_control_plane_it_enforces_the_state_file_and_counts_every_destination_in_bounded_series()
    {
        Tool.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Tool.In(_ns.Name, "ip", "link", "set", "lo", "up");
        const int count = 3000;
        new StateFile(Path.Combine(_dir, "state")).Write(AllowList.Of(77, Enumerable.Range(0, count).Select(i =>
            Destination.Any(IpPrefix.Parse($"11.0.{i / 256}.{i % 256}/32"))), "5f0c0000000000000000000000000001"));
        await using var process = ChildProcess.Start(new CommandLine("ip", ["netns", "exec", _ns.Name, .. AgentArgs()]));
        await Eventually.True(() => Tool.TryRun("ip", "netns", "exec", _ns.Name, "nft", "list", "set", "inet", "outputguard", "hosts4").Output.Contains("11.0.11.183", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), "the saved state in the kernel");

        // Every host carried traffic: the packet path put it in the seen set (here nft does, as it would).
        var script = Path.Combine(_dir, "seen.nft");
        var hosts = string.Join(", ", Enumerable.Range(0, count).Select(i => $"11.0.{i / 256}.{i % 256}"));
        File.WriteAllText(script, $"add element inet outputguard seen4 {{ {hosts} }}\nadd element inet outputguard seen4_in {{ {hosts} }}\n");
        Tool.In(_ns.Name, "nft", "-f", script);
        var metrics = await Eventually.Until(
            () => Task.FromResult(Tool.TryRun("ip", "netns", "exec", _ns.Name, "curl", "-s", "-H", "Accept: application/openmetrics-text; version=1.0.0", "http://127.0.0.1:9900/metrics").Output),
            m => GatewayAgent.Value(m, "outputguard_counted_destinations") == count
                && m.Split('\n').Any(l => l.StartsWith("iptables_bytes_count{", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            "the metrics endpoint with the first counter reading");

        // The default bound: the busiest 1,000 destinations and ip="other", each OUTPUT and INPUT.
        Assert.Equal(2 * (1000 + 1), metrics.Split('\n').Count(l => l.StartsWith("iptables_bytes_count{", StringComparison.Ordinal)));
        Assert.Equal(2, metrics.Split('\n').Count(l => l.StartsWith("iptables_bytes_count{", StringComparison.Ordinal) && l.Contains("ip=\"other\"", StringComparison.Ordinal)));
        Assert.Equal(77, GatewayAgent.Value(metrics, "outputguard_applied_revision"));
        Assert.Equal(count, GatewayAgent.Value(metrics, "outputguard_elements"));
    }

    [Fact]
    public async Task Agent_tells_systemd_it_is_ready_once_the_table_is_enforced()
    {
        Tool.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Tool.In(_ns.Name, "ip", "link", "set", "lo", "up");
        var socketPath = Path.Combine(_dir, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        // PID 1 is not systemd here: run the agent as PID 1 of its own PID namespace with NOTIFY_SOCKET set, which is
        // how the hosting library recognises a systemd (or container) service manager.
        await using var process = ChildProcess.Start(new CommandLine("ip", ["netns", "exec", _ns.Name, "unshare", "--pid", "--fork", "--kill-child", .. AgentArgs()])
        {
            Environment = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath },
        });
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var n = await notify.ReceiveAsync(buffer, SocketFlags.None, cts.Token);

        Assert.Contains("READY=1", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
        Assert.Contains("policy drop", _ns.Nft("list", "chain", "inet", "outputguard", "forward"), StringComparison.Ordinal);
    }
}
