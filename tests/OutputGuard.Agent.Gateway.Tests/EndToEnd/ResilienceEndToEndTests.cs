using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

public sealed class ResilienceEndToEndTests : GatewayLab
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Without_the_control_plane_enforcement_stays_and_later_converges_to_changes_made_meanwhile()
    {
        var allowed = Lab.Serve(Lab.Allowed, 80);
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        var later = Lab.Serve(Lab.NetHost, 80);
        var entry = await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        await ControlPlane.KillAsync();
        await Eventually.True(async () => await Agent.MetricAsync("outputguard_sync_state") == 0, Deadline, "the agent notices the control plane is gone");

        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, allowed.Endpoint, 10));
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint));

        // Changes while the gateway is cut off: the control plane restarts, but on a port the gateway cannot reach yet.
        Tool.Run("ip", "link", "set", Lab.RootLink, "down");
        await ControlPlane.StartAgainAsync();
        await ControlPlane.DeleteAsync(entry);
        await ControlPlane.AllowAsync(Lab.NetHost.ToString());
        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, allowed.Endpoint, 10));

        Tool.Run("ip", "link", "set", Lab.RootLink, "up");
        await SyncedAsync();

        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, later.Endpoint, 10));
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, allowed.Endpoint));
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint));
    }

    [Fact]
    public async Task Silent_control_plane_is_noticed_by_keepalive_pings_and_the_agent_reconnects()
    {
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        var port = ControlPlane.GrpcPort.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // Packets to the control plane vanish without a reset: only the HTTP/2 pings can tell.
        Tool.In(Lab.Gateway, "nft", "add table inet blackhole; add chain inet blackhole out { type filter hook output priority 0; }; "
            + $"add rule inet blackhole out tcp dport {port} drop");
        await Eventually.True(async () => await Agent.MetricAsync("outputguard_sync_state") == 0, TimeSpan.FromSeconds(15), "the agent notices the silent peer");

        Tool.In(Lab.Gateway, "nft", "delete table inet blackhole");
        await ControlPlane.AllowAsync(Lab.NetHost.ToString());
        await SyncedAsync();
        Assert.Equal(2, await Agent.MetricAsync("outputguard_elements"));
    }

    [Fact]
    public async Task Restarted_gateway_without_control_plane_enforces_its_saved_state()
    {
        var allowed = Lab.Serve(Lab.Allowed, 80);
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        var revision = await ControlPlane.RevisionAsync();
        await Eventually.True(() => File.Exists(StateFile) && File.ReadAllText(StateFile).Contains(Lab.Allowed.ToString(), StringComparison.Ordinal), Deadline, "the state file is written");

        await ControlPlane.KillAsync();
        Assert.Equal(0, await Agent.StopAsync());
        Lab.Dispose_Table();
        await RestartAgentAsync();

        Assert.Equal(revision, await Agent.MetricAsync("outputguard_applied_revision"));
        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, allowed.Endpoint, 10));
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint));
    }

    [Fact]
    public async Task Sigkilled_gateway_lets_nothing_unlisted_pass()
    {
        var allowed = Lab.Serve(Lab.Allowed, 80);
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        await Agent.KillAsync();

        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint));
        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, allowed.Endpoint, 10));
        Assert.Empty(unlisted.Clients);
    }
}
