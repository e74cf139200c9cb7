using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Addressing;

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
        "dotnet", Shell.ArtifactPath("GatewayDll"), "--control-plane", "http://127.0.0.1:9", "--token", "t",
        "--state-file", Path.Combine(_dir, "state"), "--metrics-address", "127.0.0.1:9900", .. extra,
    ];

    [Fact]
    public void Ip_forward_off_is_a_clear_error_that_names_the_fix()
    {
        var (code, output) = Shell.TryRun("ip", ["netns", "exec", _ns.Name, .. AgentArgs()]);

        Assert.Equal(1, code);
        Assert.Contains("net.ipv4.ip_forward is off", output, StringComparison.Ordinal);
        Assert.Contains("sysctl -w net.ipv4.ip_forward=1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_CAP_NET_ADMIN_is_a_clear_error_that_names_the_fix()
    {
        Shell.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");

        var (code, output) = Shell.TryRun("ip", ["netns", "exec", _ns.Name, "setpriv", "--bounding-set=-net_admin", "--inh-caps=-net_admin", .. AgentArgs()]);

        Assert.Equal(1, code);
        Assert.Contains("missing capability CAP_NET_ADMIN", output, StringComparison.Ordinal);
        Assert.DoesNotContain("outputguard", _ns.Nft("list", "tables"), StringComparison.Ordinal);
    }

    [Fact]
    public void Cleanup_removes_the_table_the_agent_left()
    {
        Shell.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Shell.In(_ns.Name, "nft", "add", "table", "inet", "outputguard");

        var (code, output) = Shell.TryRun("ip", ["netns", "exec", _ns.Name, "dotnet", Shell.ArtifactPath("GatewayDll"), "--cleanup"]);

        Assert.True(code == 0, output);
        Assert.DoesNotContain("outputguard", _ns.Nft("list", "tables"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Started_without_a_control_plane_it_enforces_the_state_file_and_exports_every_destination()
    {
        Shell.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Shell.In(_ns.Name, "ip", "link", "set", "lo", "up");
        const int count = 3000;
        new StateFile(Path.Combine(_dir, "state")).Write(AllowList.Of(77, Enumerable.Range(0, count).Select(i =>
            Destination.Any(IpPrefix.Parse($"11.0.{i / 256}.{i % 256}/32"))), "5f0c0000000000000000000000000001"));
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", _ns.Name }.Concat(AgentArgs()))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        try
        {
            await Eventually.True(() => Shell.TryRun("ip", "netns", "exec", _ns.Name, "nft", "list", "set", "inet", "outputguard", "hosts4").Output.Contains("11.0.11.183", StringComparison.Ordinal),
                TimeSpan.FromSeconds(60), "the saved state in the kernel");
            var metrics = await Eventually.Until(
                () => Task.FromResult(Shell.TryRun("ip", "netns", "exec", _ns.Name, "curl", "-s", "-H", "Accept: application/openmetrics-text; version=1.0.0", "http://127.0.0.1:9900/metrics").Output),
                m => m.Contains("outputguard_applied_revision", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30),
                "the metrics endpoint");

            Assert.Equal(count * 2, metrics.Split('\n').Count(l => l.StartsWith("iptables_bytes_count{", StringComparison.Ordinal)));
            Assert.Equal(77, GatewayAgent.Value(metrics, "outputguard_applied_revision"));
            Assert.Equal(count, GatewayAgent.Value(metrics, "outputguard_elements"));
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Agent_tells_systemd_it_is_ready_once_the_table_is_enforced()
    {
        Shell.In(_ns.Name, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Shell.In(_ns.Name, "ip", "link", "set", "lo", "up");
        var socketPath = Path.Combine(_dir, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        var info = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        // PID 1 is not systemd here: run the agent as PID 1 of its own PID namespace with NOTIFY_SOCKET set, which is
        // how the hosting library recognises a systemd (or container) service manager.
        foreach (var a in new[] { "netns", "exec", _ns.Name, "unshare", "--pid", "--fork", "--kill-child" }.Concat(AgentArgs()))
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["NOTIFY_SOCKET"] = socketPath;
        using var process = Process.Start(info)!;
        try
        {
            var buffer = new byte[256];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var n = await notify.ReceiveAsync(buffer, SocketFlags.None, cts.Token);

            Assert.Contains("READY=1", Encoding.UTF8.GetString(buffer, 0, n), StringComparison.Ordinal);
            Assert.Contains("policy drop", _ns.Nft("list", "chain", "inet", "outputguard", "forward"), StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
