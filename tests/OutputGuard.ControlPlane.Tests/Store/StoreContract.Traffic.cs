using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Traffic;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>Traffic reports: each replaces its gateway's rows; answers sum over gateways, busiest first.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Traffic_is_summed_over_the_latest_report_of_each_gateway_busiest_first()
    {
        var a = Destination.ParseKey("203.0.113.7/32 tcp/443");
        var b = Destination.ParseKey("198.51.100.0/24");
        var t = Clock.GetUtcNow();
        await Store.ReplaceTrafficAsync("gw-1", t, [Totals(a, 100, 1000), Totals(b, 5, 5)], [], CancellationToken.None);
        await Store.ReplaceTrafficAsync("gw-2", t, [Totals(a, 1, 10)], [], CancellationToken.None);
        // A newer report of gw-1 replaces its older one; b is gone from it.
        await Store.ReplaceTrafficAsync("gw-1", t.AddSeconds(30), [Totals(a, 200, 3000)], [], CancellationToken.None);

        var all = await Store.ListTrafficAsync(null, 10, CancellationToken.None);
        var onlyTwo = await Store.ListTrafficAsync("gw-2", 10, CancellationToken.None);

        var row = Assert.Single(all);
        Assert.Equal((a, 201L, 3010L, 2), (row.Destination, row.OutputBytes, row.InputBytes, row.Gateways));
        Assert.Equal(t.AddSeconds(30), row.UpdatedAt);
        Assert.Equal(10L, Assert.Single(onlyTwo).InputBytes);
    }

    [Fact]
    public async Task Denied_destinations_are_summed_and_ordered_by_packets()
    {
        var t = Clock.GetUtcNow();
        await Store.ReplaceTrafficAsync("gw-1", t, [], [new DeniedTotals("198.51.100.9", 6, 443, 3, 180, t, 1), new DeniedTotals("2001:db8::9", 17, 53, 50, 4000, t, 1)], CancellationToken.None);
        await Store.ReplaceTrafficAsync("gw-2", t, [], [new DeniedTotals("198.51.100.9", 6, 443, 60, 3600, t.AddSeconds(5), 1)], CancellationToken.None);

        var denied = await Store.ListDeniedAsync(null, 10, CancellationToken.None);

        Assert.Equal(["198.51.100.9", "2001:db8::9"], denied.Select(d => d.Address));
        Assert.Equal((63L, 3780L, 2, t.AddSeconds(5)), (denied[0].Packets, denied[0].Bytes, denied[0].Gateways, denied[0].LastSeen));
    }

    private static DestinationTotals Totals(Destination d, long outBytes, long inBytes) =>
        new(d, outBytes, outBytes / 10 + 1, inBytes, inBytes / 10 + 1, 1, DateTimeOffset.UnixEpoch);
}
