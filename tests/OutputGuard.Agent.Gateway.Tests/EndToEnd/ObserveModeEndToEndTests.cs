using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

public sealed class ObserveModeEndToEndTests : GatewayLab
{
    protected override string[] AgentFlags => ["--observe"];

    [Fact]
    public async Task Observe_mode_lets_unlisted_traffic_pass_and_records_it_as_denied()
    {
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, unlisted.Endpoint, 10));

        await Eventually.True(
            async () => await Agent.MetricAsync("outputguard_denied_packets", $"ip=\"{Lab.Unlisted}\"") >= 1,
            TimeSpan.FromSeconds(20),
            "the observed destination among the denied ones");
    }

    [Fact]
    public async Task Stopped_observing_gateway_leaves_the_table_dropping_with_its_hosts_kept()
    {
        var allowed = Lab.Serve(Lab.Allowed, 80);
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        Assert.Equal(0, await Agent.StopAsync());

        Assert.Contains("Observe mode off", Agent.Output, StringComparison.Ordinal);
        Assert.True(TableOracle.IsAsApplied(Lab.Gateway, Lab.Allowed.ToString()), "enforcing rules, the applied hosts kept");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint));
        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, allowed.Endpoint, 10));
    }
}
