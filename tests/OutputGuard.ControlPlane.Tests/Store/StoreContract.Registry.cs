using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Traffic;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>The registry's upkeep (heartbeat, disconnects, pruning) and the single-use first-start token.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Heartbeat_touches_only_the_connected_rows_of_its_replica()
    {
        var then = Clock.GetUtcNow().AddMinutes(-10);
        await Store.UpsertGatewayAsync(new GatewayRecord("gw-a", "h", "v", 1, then, true, 1, "gw-a", "cp-1"), CancellationToken.None);
        await Store.UpsertGatewayAsync(new GatewayRecord("gw-b", "h", "v", 1, then, true, 1, "gw-b", "cp-2"), CancellationToken.None);
        await Store.UpsertGatewayAsync(new GatewayRecord("gw-c", "h", "v", 1, then, false, 1, "gw-c", "cp-1"), CancellationToken.None);
        var now = Clock.GetUtcNow();

        await Store.TouchGatewaysAsync(["gw-a", "gw-b", "gw-c"], "cp-1", now, CancellationToken.None);

        var seen = (await Store.ListGatewaysAsync(CancellationToken.None)).ToDictionary(g => g.Id, g => g.LastSeen);
        Assert.Equal(now, seen["gw-a"]);
        Assert.Equal(then, seen["gw-b"]);
        Assert.Equal(then, seen["gw-c"]);
    }

    [Fact]
    public async Task A_disconnect_is_not_recorded_over_a_row_another_replica_took()
    {
        var now = Clock.GetUtcNow();
        await Store.UpsertGatewayAsync(new GatewayRecord("gw-a", "h", "v", 1, now, true, 1, "gw-a", "cp-2"), CancellationToken.None);
        await Store.UpsertGatewayAsync(new GatewayRecord("gw-b", "h", "v", 1, now, true, 1, "gw-b", "cp-1"), CancellationToken.None);

        await Store.MarkGatewayDisconnectedAsync("gw-a", "cp-1", now.AddSeconds(1), CancellationToken.None);
        await Store.MarkGatewayDisconnectedAsync("gw-b", "cp-1", now.AddSeconds(1), CancellationToken.None);

        var rows = (await Store.ListGatewaysAsync(CancellationToken.None)).ToDictionary(g => g.Id);
        Assert.True(rows["gw-a"].Connected);
        Assert.False(rows["gw-b"].Connected);
        Assert.Equal(now.AddSeconds(1), rows["gw-b"].LastSeen);
    }

    [Fact]
    public async Task Pruning_removes_old_gateways_with_their_traffic_and_keeps_the_rest()
    {
        var now = Clock.GetUtcNow();
        var a = Destination.Parse("203.0.113.7/32");
        for (var i = 0; i < 250; i++)
        {
            await Store.UpsertGatewayAsync(new GatewayRecord($"old-{i}", "h", "v", 1, now.AddDays(-8), false, 1, "t", "cp-1"), CancellationToken.None);
        }

        await Store.UpsertGatewayAsync(new GatewayRecord("recent", "h", "v", 1, now.AddDays(-1), false, 1, "t", "cp-1"), CancellationToken.None);
        await Store.ReplaceTrafficAsync("old-3", now, [new DestinationTotals(a, 10, 1, 10, 1, 1, now)], [], null, null, CancellationToken.None);
        await Store.ReplaceTrafficAsync("recent", now, [new DestinationTotals(a, 5, 1, 5, 1, 1, now)], [], null, null, CancellationToken.None);

        var pruned = await Store.PruneGatewaysAsync(now.AddDays(-7), CancellationToken.None);

        Assert.Equal(250, pruned);
        Assert.Equal(["recent"], (await Store.ListGatewaysAsync(CancellationToken.None)).Select(g => g.Id));
        Assert.Equal(5UL, Assert.Single(await Store.ListTrafficAsync(null, 10, CancellationToken.None)).OutputBytes);
    }

    [Fact]
    public async Task A_retired_first_token_loses_its_hash_and_blocks_a_new_first_token()
    {
        var at = Clock.GetUtcNow();
        Assert.True(await Store.TryCreateFirstTokenAsync(new StoredToken("bootstrap-admin", "admin", new string('a', 64), at), CancellationToken.None));

        var retired = await Store.RetireStoredTokensAsync(CancellationToken.None);
        var again = await Store.RetireStoredTokensAsync(CancellationToken.None);
        var created = await Store.TryCreateFirstTokenAsync(new StoredToken("bootstrap-admin-2", "admin", new string('b', 64), at), CancellationToken.None);

        var tombstone = Assert.Single(await Store.ListStoredTokensAsync(CancellationToken.None));
        Assert.Equal((1, 0, false), (retired, again, created));
        Assert.Equal(string.Empty, tombstone.Sha256Hex);
        Assert.NotNull(tombstone.RetiredAt);
    }
}
