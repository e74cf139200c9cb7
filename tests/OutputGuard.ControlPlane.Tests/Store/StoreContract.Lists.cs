using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>Listing entries and audit events (filters, paging), the gateway registry, stored tokens.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Entries_are_filtered_by_kind_flag_value_and_words()
    {
        var web = await CreatedAsync(Domain("api.example.com") with { Note = "Payments API for the shop" });
        var cdn = await CreatedAsync(Domain("cdn.example.org") with { Note = "static files", Undeletable = true });
        var ip = await CreatedAsync(Ip("203.0.113.7/32") with { Note = "payments fallback" });
        var odd = await CreatedAsync(Domain("under_score%.example.net") with { Note = "odd" });

        Assert.Equal([ip.Id], await IdsAsync(new EntryFilter(Kind: EntryKind.Ip)));
        Assert.Equal([cdn.Id], await IdsAsync(new EntryFilter(Undeletable: true)));
        Assert.Equal([web.Id, cdn.Id, odd.Id], await IdsAsync(new EntryFilter(ValueContains: "EXAMPLE.")));
        Assert.Equal([web.Id, ip.Id], await IdsAsync(new EntryFilter(Text: ["payments"])));
        Assert.Equal([web.Id], await IdsAsync(new EntryFilter(Text: ["PAYMENTS", "api"])));
        Assert.Equal([web.Id], await IdsAsync(new EntryFilter(Kind: EntryKind.Domain, Text: ["payments"])));
        Assert.Equal([odd.Id], await IdsAsync(new EntryFilter(ValueContains: "_score%")));
        Assert.Empty(await IdsAsync(new EntryFilter(ValueContains: "x_m")));
    }

    [Fact]
    public async Task Entries_page_in_id_order()
    {
        var ids = new List<long>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await CreatedAsync(Ip($"203.0.113.{i}/32"))).Id);
        }

        var first = await Store.ListEntriesAsync(EntryFilter.All, 0, 2, Ct);
        var second = await Store.ListEntriesAsync(EntryFilter.All, first[^1].Id, 2, Ct);
        var last = await Store.ListEntriesAsync(EntryFilter.All, second[^1].Id, 2, Ct);

        Assert.Equal(ids, first.Concat(second).Concat(last).Select(e => e.Id));
        Assert.Single(last);
    }

    [Fact]
    public async Task Audit_events_are_filtered_by_actor_entry_and_time()
    {
        var start = Clock.GetUtcNow();
        var a = await CreatedAsync(Ip("203.0.113.1/32"), actor: "alice");
        Clock.Advance(TimeSpan.FromMinutes(1));
        var b = await CreatedAsync(Ip("203.0.113.2/32"), actor: "bob");
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Store.DeleteEntryAsync(a.Id, "bob", Ct);
        await Store.AppendAuditAsync("system", "token.bootstrap", "{\"name\":\"admin\"}", Ct);

        Assert.Equal(["entry.delete", "entry.create"], await ActionsAsync(new AuditFilter(Actor: "bob")));
        Assert.Equal(["entry.delete", "entry.create"], await ActionsAsync(new AuditFilter(EntryId: a.Id)));
        Assert.Equal(["entry.create"], await ActionsAsync(new AuditFilter(EntryId: b.Id)));
        Assert.Equal(["entry.create"], await ActionsAsync(new AuditFilter(From: start, To: start.AddMinutes(1))));
        Assert.Equal(["token.bootstrap", "entry.delete"], await ActionsAsync(new AuditFilter(From: start.AddMinutes(2))));
    }

    [Fact]
    public async Task Audit_events_page_newest_first()
    {
        for (var i = 1; i <= 5; i++)
        {
            await CreatedAsync(Ip($"203.0.113.{i}/32"));
        }

        var first = await Store.ListAuditEventsAsync(new AuditFilter(), 0, 3, Ct);
        var rest = await Store.ListAuditEventsAsync(new AuditFilter(), first[^1].Id, 3, Ct);

        var revisions = first.Concat(rest).Select(e => e.Revision).ToList();
        Assert.Equal([5L, 4L, 3L, 2L, 1L], revisions);
        Assert.Equal(2, rest.Count);
    }

    [Fact]
    public async Task Gateway_upsert_replaces_its_row_and_the_list_is_most_recently_seen_first()
    {
        var now = Clock.GetUtcNow();
        var gw1 = new GatewayRecord("gw-1", "edge-1", "1.0.0", 3, now.AddMinutes(-5), false, 10, "gateway", "cp-a");
        var gw2 = new GatewayRecord("gw-2", "edge-2", "1.0.0", 4, now.AddMinutes(-1), true, 12, "gateway", "cp-a");
        await Store.UpsertGatewayAsync(gw1, Ct);
        await Store.UpsertGatewayAsync(gw2, Ct);

        var gw1Again = gw1 with { Version = "1.1.0", AppliedRevision = 9, LastSeen = now, Connected = true, Replica = "cp-b" };
        await Store.UpsertGatewayAsync(gw1Again, Ct);

        var gateways = await Store.ListGatewaysAsync(Ct);
        Assert.Equal([gw1Again, gw2], gateways);
    }

    [Fact]
    public async Task First_token_race_between_two_stores_leaves_exactly_one()
    {
        var other = CreateStore(Location);
        var at = Clock.GetUtcNow();
        var tokens = Enumerable.Range(0, 8)
            .Select(i => new StoredToken($"admin-{i}", "admin", new string((char)('a' + i), 64), at))
            .ToList();

        var results = await Task.WhenAll(tokens.Select((t, i) => Task.Run(() => (i % 2 == 0 ? Store : other).TryCreateFirstTokenAsync(t, Ct))));

        Assert.Single(results, r => r);
        var stored = Assert.Single(await Store.ListStoredTokensAsync(Ct));
        Assert.Equal(tokens[Array.IndexOf(results, true)], stored);
        Assert.False(await other.TryCreateFirstTokenAsync(tokens[0] with { Name = "late" }, Ct));
    }

    private async Task<List<long>> IdsAsync(EntryFilter filter) =>
        (await Store.ListEntriesAsync(filter, 0, 100, Ct)).Select(e => e.Id).ToList();

    private async Task<List<string>> ActionsAsync(AuditFilter filter) =>
        (await Store.ListAuditEventsAsync(filter, 0, 100, Ct)).Select(e => e.Action).ToList();
}
