using System.Data.Common;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>Creating and deleting entries: destinations, revisions, outcomes, the undeletable guarantee.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Created_ip_entry_is_in_the_desired_state_at_revision_1()
    {
        var result = await Store.CreateEntryAsync(Ip("203.0.113.7/32"), "ops", Ct);

        var state = await Store.GetDesiredStateAsync(Ct);
        Assert.Equal(EntryWriteOutcome.Created, result.Outcome);
        Assert.Equal(1, result.Revision);
        Assert.Equal(1, state.Revision);
        Assert.Equal(["203.0.113.7/32"], state.Destinations.Select(d => d.ToString()));
        Assert.Equal(Clock.GetUtcNow(), state.RevisionTime);
    }

    [Fact]
    public async Task Created_ip_entry_is_one_add_in_the_change_log()
    {
        await CreatedAsync(Ip("203.0.113.7/32"));

        var changes = await Store.GetChangesAsync(0, 100, Ct);

        var change = Assert.Single(changes!);
        Assert.Equal(1, change.Revision);
        Assert.Equal(["203.0.113.7/32"], change.Added.Select(d => d.ToString()));
        Assert.Empty(change.Removed);
    }

    [Fact]
    public async Task Created_entry_is_audited_with_its_actor_and_definition()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443"), actor: "ops-ci");

        var events = await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct);

        var audit = Assert.Single(events);
        Assert.Equal(("ops-ci", "entry.create", entry.Id, 1L), (audit.Actor, audit.Action, audit.EntryId, audit.Revision));
        Assert.Null(audit.Before);
        Assert.Contains("\"value\":\"203.0.113.7/32\"", audit.After, StringComparison.Ordinal);
        Assert.Contains("\"ports\":[\"tcp/443\"]", audit.After, StringComparison.Ordinal);
        Assert.Contains("\"createdBy\":\"ops-ci\"", audit.After, StringComparison.Ordinal);
        Assert.Equal(Clock.GetUtcNow(), audit.Time);
    }

    [Fact]
    public async Task Stored_entry_reads_back_as_it_was_created()
    {
        var created = await CreatedAsync(new NewEntry("203.0.113.0/24", EntryKind.Cidr, [PortRules.Parse("tcp/8000-8100")], "lab range", Undeletable: true));

        var read = await Store.GetEntryAsync(created.Id, Ct);

        Assert.NotNull(read);
        Assert.Equal(
            ("203.0.113.0/24", EntryKind.Cidr, "tcp/8000-8100", "lab range", true, "ops", Clock.GetUtcNow()),
            (read.Value, read.Kind, string.Join(',', read.Ports), read.Note, read.Undeletable, read.CreatedBy, read.CreatedAt));
        Assert.Null(await Store.GetEntryAsync(created.Id + 1000, Ct));
    }

    [Fact]
    public async Task Entry_with_ports_contributes_one_destination_per_port_rule_in_one_revision()
    {
        var result = await Store.CreateEntryAsync(Ip("2001:db8::7/128", "udp/53", "tcp/443"), "ops", Ct);

        var state = await Store.GetDesiredStateAsync(Ct);
        Assert.Equal(1, result.Revision);
        Assert.Equal(["2001:db8::7/128 tcp/443", "2001:db8::7/128 udp/53"], state.Destinations.Select(d => d.ToString()));
    }

    [Fact]
    public async Task Domain_entry_adds_no_destination_and_keeps_the_revision()
    {
        var result = await Store.CreateEntryAsync(Domain("api.example.com", "tcp/443"), "ops", Ct);

        var state = await Store.GetDesiredStateAsync(Ct);
        Assert.Equal((EntryWriteOutcome.Created, 0L), (result.Outcome, result.Revision));
        Assert.Equal(0, state.Revision);
        Assert.Empty(state.Destinations);
    }

    [Fact]
    public async Task Creating_the_same_definition_twice_is_identical_and_keeps_the_revision()
    {
        var first = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443"));

        var second = await Store.CreateEntryAsync(Ip("203.0.113.7/32", "tcp/443"), "someone-else", Ct);

        Assert.Equal((EntryWriteOutcome.AlreadyIdentical, first.Id, 1L), (second.Outcome, second.Entry!.Id, second.Revision));
        Assert.Equal(1, await Store.GetRevisionAsync(Ct));
        Assert.Single(await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct));
    }

    [Fact]
    public async Task Same_value_with_another_definition_is_a_conflict_and_writes_nothing()
    {
        var first = await CreatedAsync(Ip("203.0.113.7/32"));

        var second = await Store.CreateEntryAsync(Ip("203.0.113.7/32", "tcp/443"), "ops", Ct);

        Assert.Equal((EntryWriteOutcome.Conflict, first.Id, 1L), (second.Outcome, second.Entry!.Id, second.Revision));
        var state = await Store.GetDesiredStateAsync(Ct);
        Assert.Equal(["203.0.113.7/32"], state.Destinations.Select(d => d.ToString()));
        Assert.Single(await Store.ListEntriesAsync(EntryFilter.All, 0, 10, Ct));
    }

    [Fact]
    public async Task Deleted_entry_takes_its_destinations_out_with_a_new_revision()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443", "udp/53"));

        var result = await Store.DeleteEntryAsync(entry.Id, "ops", Ct);

        Assert.Equal((EntryWriteOutcome.Deleted, 2L), (result.Outcome, result.Revision));
        Assert.Empty((await Store.GetDesiredStateAsync(Ct)).Destinations);
        Assert.Null(await Store.GetEntryAsync(entry.Id, Ct));
        var removal = Assert.Single((await Store.GetChangesAsync(1, 10, Ct))!);
        Assert.Equal(2, removal.Removed.Count);
        var audit = (await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct))[0];
        Assert.Equal(("entry.delete", 2L, (string?)null), (audit.Action, audit.Revision, audit.After));
        Assert.Contains("\"value\":\"203.0.113.7/32\"", audit.Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shared_destination_stays_until_its_last_source_is_deleted()
    {
        var ip = await CreatedAsync(Ip("203.0.113.7/32"));
        var domain = await CreatedAsync(Domain("www.example.com"));
        // The resolver's part: the domain resolved to the same address (no store API for it yet).
        await ExecuteRawAsync("INSERT INTO destination_sources (dkey, entry_id) VALUES (@Key, @Id)", new { Key = "203.0.113.7/32", domain.Id });

        var first = await Store.DeleteEntryAsync(ip.Id, "ops", Ct);
        var stateAfterFirst = await Store.GetDesiredStateAsync(Ct);
        var second = await Store.DeleteEntryAsync(domain.Id, "ops", Ct);

        // The first delete keeps the destination but changes its entries (it is no IP entry's any more): a rename.
        Assert.Equal((EntryWriteOutcome.Deleted, 2L), (first.Outcome, first.Revision));
        Assert.Equal(["203.0.113.7/32"], stateAfterFirst.Destinations.Select(d => d.ToString()));
        Assert.Equal((EntryWriteOutcome.Deleted, 3L), (second.Outcome, second.Revision));
        Assert.Empty((await Store.GetDesiredStateAsync(Ct)).Destinations);
        var changes = (await Store.GetChangesAsync(1, 10, Ct))!;
        Assert.Equal(2, changes.Count);
        Assert.Equal(["203.0.113.7/32"], changes[0].Renamed.Select(d => d.ToString()));
        Assert.Empty(changes[0].Added.Concat(changes[0].Removed));
        var change = changes[1];
        Assert.Equal(["203.0.113.7/32"], change.Removed.Select(d => d.ToString()));
        Assert.Equal(1, await ScalarRawAsync<long>("SELECT COUNT(*) FROM change_log WHERE op = 'r'"));
    }

    [Fact]
    public async Task Deleting_a_missing_entry_is_not_found_and_writes_nothing()
    {
        await CreatedAsync(Ip("203.0.113.7/32"));

        var result = await Store.DeleteEntryAsync(4242, "ops", Ct);

        Assert.Equal((EntryWriteOutcome.NotFound, (Entry?)null, 1L), (result.Outcome, result.Entry, result.Revision));
        Assert.Single(await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct));
    }

    [Fact]
    public async Task Undeletable_entry_is_refused_and_nothing_changes()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32") with { Undeletable = true });

        var result = await Store.DeleteEntryAsync(entry.Id, "ops", Ct);

        Assert.Equal((EntryWriteOutcome.Undeletable, entry.Id, 1L), (result.Outcome, result.Entry!.Id, result.Revision));
        Assert.NotNull(await Store.GetEntryAsync(entry.Id, Ct));
        var state = await Store.GetDesiredStateAsync(Ct);
        Assert.Equal((1L, "203.0.113.7/32"), (state.Revision, Assert.Single(state.Destinations).ToString()));
        Assert.Single(await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct));
    }

    [Fact]
    public async Task Raw_sql_delete_of_an_undeletable_entry_is_rejected_by_the_database()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32") with { Undeletable = true });

        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("DELETE FROM entries WHERE id = @Id", new { entry.Id }));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("DELETE FROM entries"));

        Assert.NotNull(await Store.GetEntryAsync(entry.Id, Ct));
    }

    [Fact]
    public async Task Raw_sql_clearing_the_undeletable_flag_is_rejected_by_the_database()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32") with { Undeletable = true });

        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("UPDATE entries SET undeletable = 0 WHERE id = @Id", new { entry.Id }));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteRawAsync("UPDATE entries SET value = '198.51.100.1/32' WHERE id = @Id", new { entry.Id }));

        Assert.Equal((true, "203.0.113.7/32"), ((await Store.GetEntryAsync(entry.Id, Ct))!.Undeletable, (await Store.GetEntryAsync(entry.Id, Ct))!.Value));
    }

    [Fact]
    public async Task Raw_sql_may_delete_an_ordinary_entry()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32"));

        var deleted = await ExecuteRawAsync("DELETE FROM entries WHERE id = @Id", new { entry.Id });

        Assert.Equal(1, deleted);
    }
}
