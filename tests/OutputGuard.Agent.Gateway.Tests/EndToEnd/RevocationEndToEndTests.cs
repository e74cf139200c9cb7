using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>A destination that leaves the allow-list stops, established connections included.</summary>
public sealed class RevocationEndToEndTests : GatewayLab
{
    [Fact]
    public async Task Deleted_entry_stops_an_open_connection_within_a_second()
    {
        var entry = await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        await using var loop = await ConnectionLoop.StartAsync(Lab, Lab.Allowed, 7000);
        await loop.FlowingAsync();

        await ControlPlane.DeleteAsync(entry);
        var revoked = loop.Now;

        await loop.AssertCutAsync(revoked);
        await Eventually.True(
            async () => await Agent.MetricAsync("outputguard_denied_packets", $"ip=\"{Lab.Allowed}\"", "protocol=\"tcp\"", "port=\"7000\"") >= 1,
            TimeSpan.FromSeconds(10),
            "the revoked connection's packets among the denied, with protocol and port");
    }

    [Fact]
    public async Task Connection_to_an_entry_that_stays_is_not_disturbed_by_other_changes()
    {
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        var other = await ControlPlane.AllowAsync(Lab.NetHost.ToString());
        await SyncedAsync();
        await using var loop = await ConnectionLoop.StartAsync(Lab, Lab.Allowed, 7001);
        await loop.FlowingAsync();

        await ControlPlane.DeleteAsync(other);
        await SyncedAsync();
        var before = loop.Received;

        await loop.FlowingAsync(before + 5);
    }
}
