using System.Net;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>Changing an entry in place: one transaction, at most one revision, one audit row with before and after.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Changed_ports_are_one_revision_that_adds_the_new_destinations_and_removes_the_old()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443", "udp/53"));

        var result = await Store.UpdateEntryAsync(entry.Id, new EntryPatch(Rules("tcp/443-444", "udp/53"), null), "ops-ci", Ct);

        var change = Assert.Single((await Store.GetChangesAsync(1, 100, Ct))!);
        Assert.Equal((EntryWriteOutcome.Updated, 2L), (result.Outcome, result.Revision));
        Assert.Equal(2, change.Revision);
        Assert.Equal(["203.0.113.7/32 tcp/443-444"], change.Added.Select(d => d.ToString()));
        Assert.Equal(["203.0.113.7/32 tcp/443"], change.Removed.Select(d => d.ToString()));
        Assert.Equal(
            ["203.0.113.7/32 tcp/443-444", "203.0.113.7/32 udp/53"],
            (await Store.GetDesiredStateAsync(Ct)).Destinations.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal((entry.Name, entry.Value, "tcp/443-444,udp/53"), (result.Entry!.Name, result.Entry.Value, string.Join(',', result.Entry.Ports)));
    }

    [Fact]
    public async Task Update_writes_one_audit_row_with_the_entry_before_and_after()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443"));

        await Store.UpdateEntryAsync(entry.Id, new EntryPatch(Rules("tcp/443", "tcp/8443"), "payments, now also 8443"), "ops-ci", Ct);

        var audit = (await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct))[0];
        Assert.Equal(("ops-ci", "entry.update", entry.Id, 2L), (audit.Actor, audit.Action, audit.EntryId, audit.Revision));
        Assert.Contains("\"ports\":[\"tcp/443\"]", audit.Before, StringComparison.Ordinal);
        Assert.Contains("\"note\":\"\"", audit.Before, StringComparison.Ordinal);
        Assert.Contains("\"ports\":[\"tcp/443\",\"tcp/8443\"]", audit.After, StringComparison.Ordinal);
        Assert.Contains("\"note\":\"payments, now also 8443\"", audit.After, StringComparison.Ordinal);
        Assert.Equal(2, (await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct)).Count);
    }

    [Fact]
    public async Task Note_only_update_keeps_the_revision_and_is_audited_at_revision_0()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443"));

        var result = await Store.UpdateEntryAsync(entry.Id, new EntryPatch(null, "why it exists"), "ops", Ct);

        Assert.Equal((EntryWriteOutcome.Updated, 1L, "why it exists"), (result.Outcome, result.Revision, result.Entry!.Note));
        Assert.Equal(1, await Store.GetRevisionAsync(Ct));
        Assert.Equal(0, (await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct))[0].Revision);
    }

    [Fact]
    public async Task Update_that_changes_nothing_writes_nothing()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443"));

        var result = await Store.UpdateEntryAsync(entry.Id, new EntryPatch(Rules("tcp/443"), string.Empty), "ops", Ct);

        Assert.Equal(EntryWriteOutcome.AlreadyIdentical, result.Outcome);
        Assert.Single(await Store.ListAuditEventsAsync(new AuditFilter(), 0, 10, Ct));
        Assert.Equal(1, await Store.GetRevisionAsync(Ct));
    }

    [Fact]
    public async Task Undeletable_entry_keeps_its_ports_but_its_note_can_change()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443") with { Undeletable = true });

        var ports = await Store.UpdateEntryAsync(entry.Id, new EntryPatch(Rules("tcp/80"), null), "ops", Ct);
        var note = await Store.UpdateEntryAsync(entry.Id, new EntryPatch(null, "kept forever"), "ops", Ct);

        Assert.Equal(EntryWriteOutcome.Undeletable, ports.Outcome);
        Assert.Equal(EntryWriteOutcome.Updated, note.Outcome);
        var read = await Store.GetEntryAsync(entry.Id, Ct);
        Assert.Equal(("tcp/443", "kept forever"), (string.Join(',', read!.Ports), read.Note));
    }

    [Fact]
    public async Task Updating_a_missing_entry_is_not_found()
    {
        var result = await Store.UpdateEntryAsync(4242, new EntryPatch(null, "x"), "ops", Ct);

        Assert.Equal(EntryWriteOutcome.NotFound, result.Outcome);
    }

    [Fact]
    public async Task Domain_entry_with_new_ports_republishes_its_resolved_addresses_in_one_revision()
    {
        var entry = await CreatedAsync(Domain("api.example.com", "tcp/443"));
        var lookup = new LookupResult(
            LookupOutcome.Answered, [new AnsweredAddress(IPAddress.Parse("203.0.113.9"), 60), new AnsweredAddress(IPAddress.Parse("2001:db8::9"), 60)], [], string.Empty, []);
        await Store.ApplyResolutionAsync(entry.Id, lookup, new ResolutionPolicy(TimeSpan.FromHours(1), 256, "resolver"), Ct);

        var result = await Store.UpdateEntryAsync(entry.Id, new EntryPatch(Rules("tcp/80"), null), "ops", Ct);

        var change = Assert.Single((await Store.GetChangesAsync(1, 100, Ct))!);
        Assert.Equal(2, result.Revision);
        Assert.Equal(["2001:db8::9/128 tcp/80", "203.0.113.9/32 tcp/80"], change.Added.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(["2001:db8::9/128 tcp/443", "203.0.113.9/32 tcp/443"], change.Removed.Select(d => d.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Destination_that_another_entry_also_allows_stays_when_one_entry_drops_it()
    {
        var domain = await CreatedAsync(Domain("api.example.com", "tcp/443"));
        await Store.ApplyResolutionAsync(
            domain.Id,
            new LookupResult(LookupOutcome.Answered, [new AnsweredAddress(IPAddress.Parse("203.0.113.7"), 60)], [], string.Empty, []),
            new ResolutionPolicy(TimeSpan.FromHours(1), 256, "resolver"),
            Ct);
        var host = await CreatedAsync(Ip("203.0.113.7/32", "tcp/443"));

        var result = await Store.UpdateEntryAsync(host.Id, new EntryPatch(Rules("tcp/8443"), null), "ops", Ct);

        var change = (await Store.GetChangesAsync(result.Revision - 1, 100, Ct))!.Single();
        Assert.Equal(["203.0.113.7/32 tcp/8443"], change.Added.Select(d => d.ToString()));
        Assert.Empty(change.Removed);
        Assert.Equal(
            ["203.0.113.7/32 tcp/443", "203.0.113.7/32 tcp/8443"],
            (await Store.GetDesiredStateAsync(Ct)).Destinations.Select(d => d.ToString()).Order(StringComparer.Ordinal));
    }
}
