using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Audit;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>The store's identity, and entries that the internal ranges came to cover.</summary>
public abstract partial class StoreContract
{
    private static readonly InternalRanges Lab = InternalRanges.Create([], [IpPrefix.Parse("203.0.113.0/24"), IpPrefix.Parse("198.51.100.0/24")]);

    // 203.0.113.0/24 no longer treated as public: the documentation range is internal again.
    private static readonly InternalRanges LabWithInternal203 = InternalRanges.Create([], [IpPrefix.Parse("198.51.100.0/24")]);

    [Fact]
    public async Task Every_store_has_an_id_of_its_own_that_migrating_again_keeps()
    {
        var id = await Store.GetStoreIdAsync(Ct);
        var other = CreateStore(await NewDatabaseAsync());
        await other.MigrateAsync(Ct);
        await Store.MigrateAsync(Ct);

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, await Store.GetStoreIdAsync(Ct));
        Assert.NotEqual(id, await other.GetStoreIdAsync(Ct));
    }

    [Fact]
    public async Task Entry_covered_by_a_grown_internal_range_is_suppressed_in_one_revision_and_audited_by_system()
    {
        var covered = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443"));
        var kept = await CreatedAsync(Cidr("198.51.100.0/24"));
        var before = await Store.GetRevisionAsync(Ct);

        var change = await Store.ApplyInternalRangesAsync(LabWithInternal203, "system", Ct);

        var state = await Store.GetDesiredStateAsync(Ct);
        Assert.Equal(before + 1, change.Revision);
        Assert.Equal(["203.0.113.7/32"], change.Suppressed);
        Assert.Equal(["198.51.100.0/24"], state.Destinations.Select(d => d.ToString()));
        Assert.Equal("203.0.113.0/24", (await Store.GetEntryAsync(covered.Id, Ct))!.SuppressedBy);
        Assert.Null((await Store.GetEntryAsync(kept.Id, Ct))!.SuppressedBy);
        var audit = (await Store.ListAuditEventsAsync(new AuditFilter(Actor: "system"), 0, 10, Ct)).Single();
        Assert.Equal(("entry.suppress", covered.Id, change.Revision), (audit.Action, audit.EntryId, audit.Revision));
        Assert.Contains("203.0.113.0/24", audit.After, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.7/32 tcp/443"], Assert.Single((await Store.GetChangesAsync(before, 10, Ct))!).Removed.Select(d => d.ToString()));
    }

    [Fact]
    public async Task Suppressed_entry_comes_back_when_the_configuration_changes_back()
    {
        var covered = await CreatedAsync(Ip("203.0.113.7/32"));
        await Store.ApplyInternalRangesAsync(LabWithInternal203, "system", Ct);
        var suppressedAt = await Store.GetRevisionAsync(Ct);

        var change = await Store.ApplyInternalRangesAsync(Lab, "system", Ct);

        Assert.Equal(suppressedAt + 1, change.Revision);
        Assert.Equal(["203.0.113.7/32"], change.Restored);
        Assert.Equal(["203.0.113.7/32"], (await Store.GetDesiredStateAsync(Ct)).Destinations.Select(d => d.ToString()));
        Assert.Null((await Store.GetEntryAsync(covered.Id, Ct))!.SuppressedBy);
        Assert.Equal("entry.restore", (await Store.ListAuditEventsAsync(new AuditFilter(Actor: "system"), 0, 10, Ct))[0].Action);
    }

    [Fact]
    public async Task Unchanged_ranges_make_no_revision_and_no_audit_row()
    {
        await CreatedAsync(Ip("203.0.113.7/32"));
        var before = await Store.GetRevisionAsync(Ct);

        var change = await Store.ApplyInternalRangesAsync(Lab, "system", Ct);

        Assert.Equal(before, change.Revision);
        Assert.Empty(change.Suppressed);
        Assert.Empty(await Store.ListAuditEventsAsync(new AuditFilter(Actor: "system"), 0, 10, Ct));
    }

    [Fact]
    public async Task Deleting_a_suppressed_entry_removes_nothing_more_from_the_desired_state()
    {
        var covered = await CreatedAsync(Ip("203.0.113.7/32"));
        await Store.ApplyInternalRangesAsync(LabWithInternal203, "system", Ct);
        var before = await Store.GetRevisionAsync(Ct);

        var result = await Store.DeleteEntryAsync(covered.Id, "ops", Ct);

        Assert.Equal(before, result.Revision);
        Assert.Empty((await Store.GetDesiredStateAsync(Ct)).Destinations);
    }
}
