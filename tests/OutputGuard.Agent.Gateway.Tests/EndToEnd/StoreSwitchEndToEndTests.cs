using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>A gateway's state belongs to a store: moved to a control plane with another store, it takes that store's state whole.</summary>
public sealed class StoreSwitchEndToEndTests : GatewayLab
{
    [Fact]
    public async Task Gateway_moved_to_a_control_plane_with_a_fresh_store_ends_with_exactly_its_destinations()
    {
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await ControlPlane.AllowAsync(Lab.NetHost.ToString());
        await SyncedAsync();
        var storeA = await ControlPlane.StoreIdAsync();
        await using var other = await LabControlPlane.StartAsync(Lab.RootAddress);
        for (var i = 0; i < 4; i++)
        {
            // More revisions than A has: a delta from A's revision on would look plausible.
            await other.AllowAsync($"203.0.113.{100 + i}");
        }

        var revisionB = await other.RevisionAsync();
        var storeB = await other.StoreIdAsync();
        Assert.NotEqual(storeA, storeB);
        Assert.True(revisionB > await ControlPlane.RevisionAsync());

        await MoveAgentAsync(other.GrpcUri);
        await Agent.WaitForRevisionAsync(revisionB);

        var hosts = TableOracle.Elements(TableOracle.Objects(Lab.Gateway)!, "hosts4");
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"203.0.113.{100 + i}"), hosts.Order(StringComparer.Ordinal));
        var listed = await Eventually.Until(
            async () => (await other.Gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.FirstOrDefault(g => g.Id == Lab.Gateway),
            g => g is { AppliedRevision: > 0 } && g.StoreId == storeB,
            TimeSpan.FromSeconds(10),
            "the registry shows the gateway on store B");
        Assert.Equal(revisionB, listed!.AppliedRevision);
        await Eventually.True(() => File.ReadAllText(StateFile).Contains(storeB, StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the state file names store B");
    }
}
