using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

/// <summary>
/// Per-entry series of domains that only the control plane resolved (a real dnsmasq, no client query through a DNS
/// proxy): the snapshots and deltas name the domain's addresses, so the real agent labels their bytes by the domain,
/// through renames, address changes and a restart without the control plane.
/// </summary>
public sealed class ResolvedEntrySeriesEndToEndTests : DomainGatewayLab
{
    private const string Api = "api.res.test";
    private const string Web = "web.res.test";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    protected override string DomainName => Api;

    private static double Input(string text, string label, string value) =>
        MetricsPage.Value(text, label == "ip" ? "iptables_bytes_count" : "outputguard_entry_bytes", label, value, "INPUT") ?? 0;

    [Fact]
    public async Task Entry_series_of_a_resolved_domain_sums_the_kernel_counters_of_its_two_addresses()
    {
        await Dns.SetRecordsAsync([("api", Lab.Allowed.ToString()), ("api", Lab.NetHost.ToString())]);
        var first = Lab.Serve(Lab.Allowed, 80);
        var second = Lab.Serve(Lab.NetHost, 80);
        var entry = await ControlPlane.AllowAsync(Api);
        await ResolvedAsync(entry, Lab.Allowed, Lab.NetHost);

        Assert.Equal(200_000, await HttpProbe.GetAsync(Lab.Client, first.Endpoint, 200_000));
        Assert.Equal(300_000, await HttpProbe.GetAsync(Lab.Client, second.Endpoint, 300_000));

        var text = await Eventually.Until(
            Agent.MetricsAsync,
            t => Input(t, "entry", Api) >= 500_000 && Input(t, "entry", Api) == MetricsPage.KernelSum(Lab.Gateway, "seen4_in"),
            Deadline,
            "the domain's series holds both downloads, as the kernel counted them");
        Assert.Equal(Input(text, "ip", Lab.Allowed.ToString()) + Input(text, "ip", Lab.NetHost.ToString()), Input(text, "entry", Api));
        Assert.True(MetricsPage.Value(text, "outputguard_entry_packets", "entry", Api, "OUTPUT") > 0, "the requests are counted as OUTPUT");
        Assert.Null(MetricsPage.Value(text, "outputguard_entry_bytes", "entry", Lab.Allowed.ToString(), "INPUT"));
        Assert.Null(MetricsPage.Value(text, "outputguard_entry_bytes", "entry", Lab.NetHost.ToString(), "INPUT"));
    }

    [Fact]
    public async Task A_second_domain_on_an_allowed_address_and_a_changed_address_move_the_labels()
    {
        var shared = Lab.Serve(Lab.Allowed, 80);
        var moved = Lab.Serve(Lab.NetHost, 80);
        var api = await ControlPlane.AllowAsync(Api);
        await ResolvedAsync(api, Lab.Allowed);
        Assert.Equal(100_000, await HttpProbe.GetAsync(Lab.Client, shared.Endpoint, 100_000));
        await Eventually.True(async () => Input(await Agent.MetricsAsync(), "entry", Api) >= 100_000, Deadline, "the address counted toward api");

        // web resolves to the address api already holds: the destination set stays, its names change (a revision of its own).
        await Dns.SetRecordsAsync([("api", Lab.Allowed.ToString()), ("web", Lab.Allowed.ToString())]);
        var before = await ControlPlane.DesiredState.GetDesiredStateAsync(new V1.GetDesiredStateRequest());
        var web = await ControlPlane.AllowAsync(Web);
        await ResolvedAsync(web, Lab.Allowed);
        var after = await ControlPlane.DesiredState.GetDesiredStateAsync(new V1.GetDesiredStateRequest());
        Assert.True(after.Revision > before.Revision, "the rename is a revision");
        Assert.Equal(before.Destinations.Select(d => d.Prefix), after.Destinations.Select(d => d.Prefix));

        var both = await Eventually.Until(
            Agent.MetricsAsync,
            t => Input(t, "entry", Web) >= 100_000,
            Deadline,
            "the shared address counts toward both domains");
        Assert.Equal(Input(both, "ip", Lab.Allowed.ToString()), Input(both, "entry", Web));
        Assert.Equal(Input(both, "ip", Lab.Allowed.ToString()), Input(both, "entry", Api));

        // api moves to another address; the shared one stays web's alone.
        await Dns.SetRecordsAsync([("api", Lab.NetHost.ToString()), ("web", Lab.Allowed.ToString())]);
        await ResolvedAsync(api, Lab.NetHost);
        Assert.Equal(50_000, await HttpProbe.GetAsync(Lab.Client, moved.Endpoint, 50_000));

        var apart = await Eventually.Until(
            Agent.MetricsAsync,
            t => Input(t, "ip", Lab.NetHost.ToString()) >= 50_000 && Input(t, "entry", Api) == Input(t, "ip", Lab.NetHost.ToString()),
            Deadline,
            "api's series follows its new address");
        Assert.Equal(Input(apart, "ip", Lab.Allowed.ToString()), Input(apart, "entry", Web));
        Assert.InRange(Input(apart, "entry", Api), 50_000, 60_000);
    }

    [Fact]
    public async Task A_restart_without_the_control_plane_keeps_the_domain_label_from_the_state_file()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        var entry = await ControlPlane.AllowAsync(Api);
        await ResolvedAsync(entry, Lab.Allowed);
        Assert.Equal(100_000, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, 100_000));
        await Eventually.True(async () => Input(await Agent.MetricsAsync(), "entry", Api) >= 100_000, Deadline, "the address counted toward the domain");
        await Eventually.True(
            () => File.Exists(StateFile) && File.ReadAllText(StateFile).Contains($"names 1\n{Api}\n", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10),
            "the state file holds the domain's name");

        await ControlPlane.KillAsync();
        Assert.Equal(0, await Agent.StopAsync());
        await RestartAgentAsync();

        var text = await Eventually.Until(Agent.MetricsAsync, t => Input(t, "entry", Api) >= 100_000, Deadline, "the label after the restart");
        Assert.Equal(Input(text, "ip", Lab.Allowed.ToString()), Input(text, "entry", Api));
        Assert.Null(MetricsPage.Value(text, "outputguard_entry_bytes", "entry", Lab.Allowed.ToString(), "INPUT"));
        Assert.Contains("Enforcing the saved state", Agent.Output, StringComparison.Ordinal);
    }

    /// <summary>Has the control plane resolve <paramref name="entry"/> until it holds exactly <paramref name="addresses"/>, then waits for the agent.</summary>
    private async Task ResolvedAsync(V1.Entry entry, params IPAddress[] addresses)
    {
        var want = addresses.Select(a => $"{a}/32").Order(StringComparer.Ordinal).ToList();
        await Eventually.True(
            async () =>
            {
                await ControlPlane.ResolveAsync(entry);
                var state = await ControlPlane.DesiredState.GetDesiredStateAsync(new V1.GetDesiredStateRequest());
                return want.All(w => state.Destinations.Any(d => d.Prefix == w));
            },
            Deadline,
            "the control plane resolved the domain's addresses");
        await SyncedAsync();
    }
}
