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
}
