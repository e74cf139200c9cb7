using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>Entries created in bulk (one transaction, at most one revision), lookups by value, the registry's gateway kind.</summary>
public abstract partial class StoreContract
{
    private static NewEntry Ip(string prefix, bool undeletable = false) => new(prefix, EntryKind.Ip, [], string.Empty, undeletable);

    [Fact]
    public async Task A_batch_of_entries_is_one_revision_with_one_audit_row_per_entry()
    {
        var result = await Store.CreateEntriesAsync(
            [Ip("203.0.113.1/32"), Ip("203.0.113.2/32"), new NewEntry("batch.example.com", EntryKind.Domain, [], string.Empty, false), Ip("203.0.113.1/32")],
            "ops",
            allOrNothing: true,
            Ct);

        Assert.True(result.Written);
        Assert.Equal(1, result.Revision);
        Assert.Equal(
            [EntryWriteOutcome.Created, EntryWriteOutcome.Created, EntryWriteOutcome.Created, EntryWriteOutcome.AlreadyIdentical],
            result.Items.Select(i => i.Outcome));
        Assert.Equal(result.Items[0].Entry!.Id, result.Items[3].Entry!.Id);
        Assert.Equal(2, Assert.Single((await Store.GetChangesAsync(0, 10, Ct))!).Added.Count);
        var audit = await Store.ListAuditEventsAsync(new Audit.AuditFilter(), 0, 10, Ct);
        Assert.Equal(3, audit.Count(a => a.Action == "entry.create"));
    }

    [Fact]
    public async Task An_all_or_nothing_batch_with_a_conflict_writes_nothing()
    {
        await Store.CreateEntryAsync(Ip("203.0.113.9/32"), "ops", Ct);

        var result = await Store.CreateEntriesAsync([Ip("203.0.113.8/32"), Ip("203.0.113.9/32", undeletable: true)], "ops", allOrNothing: true, Ct);

        Assert.False(result.Written);
        Assert.Equal(EntryWriteOutcome.Conflict, result.Items[1].Outcome);
        Assert.Null(await Store.FindEntryByValueAsync("203.0.113.8/32", Ct));
        Assert.Equal(1, await Store.GetRevisionAsync(Ct));
    }

    [Fact]
    public async Task A_per_item_batch_writes_all_but_its_conflicts()
    {
        await Store.CreateEntryAsync(Ip("203.0.113.9/32"), "ops", Ct);

        var result = await Store.CreateEntriesAsync([Ip("203.0.113.8/32"), Ip("203.0.113.9/32", undeletable: true)], "ops", allOrNothing: false, Ct);

        Assert.Equal([EntryWriteOutcome.Created, EntryWriteOutcome.Conflict], result.Items.Select(i => i.Outcome));
        Assert.Equal("203.0.113.8/32", (await Store.FindEntryByValueAsync("203.0.113.8/32", Ct))!.Value);
        Assert.Equal(2, result.Revision);
    }

    [Fact]
    public async Task A_gateway_kind_is_kept_in_the_registry()
    {
        await Store.UpsertGatewayAsync(new GatewayRecord("legacy:old", "old", "legacy", 3, Clock.GetUtcNow(), true, 2, "legacy@192.0.2.1", "cp-1", Kind: GatewayRecord.LegacyKind), Ct);
        await Store.UpsertGatewayAsync(new GatewayRecord("gw-new", "new", "1.0", 3, Clock.GetUtcNow(), true, 2, "gw", "cp-1"), Ct);

        var kinds = (await Store.ListGatewaysAsync(Ct)).ToDictionary(g => g.Id, g => g.Kind);

        Assert.Equal(GatewayRecord.LegacyKind, kinds["legacy:old"]);
        Assert.Equal(string.Empty, kinds["gw-new"]);
    }
}
