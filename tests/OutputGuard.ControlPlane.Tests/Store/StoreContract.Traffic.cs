using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Traffic;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>Traffic reports: each replaces its gateway's rows; answers sum over gateways, busiest first, and never overflow.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Traffic_is_summed_over_the_latest_report_of_each_gateway_busiest_first()
    {
        var a = Destination.Parse("203.0.113.7/32 tcp/443");
        var b = Destination.Parse("198.51.100.0/24");
        var t = Clock.GetUtcNow();
        await Replace("gw-1", t, [Totals(a, 100, 1000), Totals(b, 5, 5)]);
        await Replace("gw-2", t, [Totals(a, 1, 10)]);
        // A newer report of gw-1 replaces its older one; b is gone from it.
        await Replace("gw-1", t.AddSeconds(30), [Totals(a, 200, 3000)]);

        var all = await Store.ListTrafficAsync(null, 10, CancellationToken.None);
        var onlyTwo = await Store.ListTrafficAsync("gw-2", 10, CancellationToken.None);

        var row = Assert.Single(all);
        Assert.Equal((a, 201UL, 3010UL, 2), (row.Destination, row.OutputBytes, row.InputBytes, row.Gateways));
        Assert.Equal(t.AddSeconds(30), row.UpdatedAt);
        Assert.Equal(10UL, Assert.Single(onlyTwo).InputBytes);
    }

    [Fact]
    public async Task Denied_destinations_are_summed_and_ordered_by_packets()
    {
        var t = Clock.GetUtcNow();
        await Store.ReplaceTrafficAsync("gw-1", t, [], [new DeniedTotals("198.51.100.9", 6, 443, 3, 180, t, 1), new DeniedTotals("2001:db8::9", 17, 53, 50, 4000, t, 1)], null, null, CancellationToken.None);
        await Store.ReplaceTrafficAsync("gw-2", t, [], [new DeniedTotals("198.51.100.9", 6, 443, 60, 3600, t.AddSeconds(5), 1)], null, null, CancellationToken.None);

        var denied = await Store.ListDeniedAsync(null, 10, CancellationToken.None);

        Assert.Equal(["198.51.100.9", "2001:db8::9"], denied.Select(d => d.Address));
        Assert.Equal((63UL, 3780UL, 2, t.AddSeconds(5)), (denied[0].Packets, denied[0].Bytes, denied[0].Gateways, denied[0].LastSeen));
    }

    [Fact]
    public async Task Sums_of_the_largest_counters_saturate_instead_of_overflowing()
    {
        var a = Destination.Parse("203.0.113.7/32");
        var t = Clock.GetUtcNow();
        var huge = new DestinationTotals(a, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 7, 1, t);
        var deniedHuge = new DeniedTotals("198.51.100.9", 6, 443, ulong.MaxValue, ulong.MaxValue, t, 1);
        await Store.ReplaceTrafficAsync("gw-1", t, [huge], [deniedHuge], null, null, CancellationToken.None);
        await Store.ReplaceTrafficAsync("gw-2", t, [huge], [deniedHuge], null, null, CancellationToken.None);
        await Store.ReplaceTrafficAsync("gw-3", t, [huge with { OutputBytes = 5 }], [], null, null, CancellationToken.None);

        var traffic = Assert.Single(await Store.ListTrafficAsync(null, 10, CancellationToken.None));
        var one = Assert.Single(await Store.ListTrafficAsync("gw-3", 10, CancellationToken.None));
        var denied = Assert.Single(await Store.ListDeniedAsync(null, 10, CancellationToken.None));

        Assert.Equal((ulong.MaxValue, ulong.MaxValue, 21UL, 3), (traffic.OutputBytes, traffic.InputBytes, traffic.InputPackets, traffic.Gateways));
        Assert.Equal((5UL, ulong.MaxValue), (one.OutputBytes, one.InputBytes));
        Assert.Equal((ulong.MaxValue, ulong.MaxValue), (denied.Packets, denied.Bytes));
    }

    [Fact]
    public async Task A_report_rewrites_only_changed_rows_in_chunks_and_every_row_is_always_one_reports()
    {
        var t = Clock.GetUtcNow();
        var old = Enumerable.Range(0, 900).Select(i => Totals(Host(i), 10, 10)).ToList();
        // 300 vanish, 300 stay as they were, 300 change, 300 are new.
        var next = Enumerable.Range(300, 900).Select(i => i < 600 ? Totals(Host(i), 10, 10) : Totals(Host(i), 20, 20)).ToList();
        await Replace("gw-1", t, old);
        var written = 0;
        var seenBetweenChunks = new List<IReadOnlyList<DestinationTotals>>();

        await Store.ReplaceTrafficAsync(
            "gw-1",
            t.AddSeconds(10),
            next,
            [],
            null,
            async (rows, took, ct) =>
            {
                written += rows;
                seenBetweenChunks.Add(await Store.ListTrafficAsync("gw-1", 10_000, ct));
            },
            CancellationToken.None);
        var after = await Store.ListTrafficAsync("gw-1", 10_000, CancellationToken.None);

        Assert.Equal(600 + 300, written);
        Assert.True(seenBetweenChunks.Count >= 4, $"{seenBetweenChunks.Count} chunks: the report was not written in chunks");
        Assert.All(seenBetweenChunks.SelectMany(s => s), r => Assert.Contains(r.OutputBytes, new[] { 10UL, 20UL }));
        Assert.Equal(Enumerable.Range(300, 900).Select(i => Host(i).ToString()).Order(StringComparer.Ordinal), after.Select(r => r.Destination.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(600, after.Count(r => r.OutputBytes == 20));
        Assert.All(after, r => Assert.Equal(t.AddSeconds(10), r.UpdatedAt));
    }

    private static Destination Host(int i) => Destination.Parse($"2001:db8::{i:x}/128");

    private Task Replace(string gatewayId, DateTimeOffset at, IReadOnlyList<DestinationTotals> rows) =>
        Store.ReplaceTrafficAsync(gatewayId, at, rows, [], null, null, CancellationToken.None);

    private static DestinationTotals Totals(Destination d, ulong outBytes, ulong inBytes) =>
        new(d, outBytes, outBytes / 10 + 1, inBytes, inBytes / 10 + 1, 1, DateTimeOffset.UnixEpoch);
}
