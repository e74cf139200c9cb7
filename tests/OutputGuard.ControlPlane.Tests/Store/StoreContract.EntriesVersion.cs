using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>
/// The entries version: a trigger raises it on every insert, delete and change of an entry's value, kind, ports or
/// suppression, through the store or with plain SQL, and leaves it where it was for notes and other tables.
/// </summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Entries_version_moves_for_every_change_of_a_rule_and_not_for_notes()
    {
        var start = await Store.GetEntriesVersionAsync(Ct);
        var entry = await CreatedAsync(Domain("api.example.com", "tcp/443"));
        var afterCreate = await Store.GetEntriesVersionAsync(Ct);
        await Store.UpdateEntryAsync(entry.Id, new EntryPatch(null, "only the note"), "ops", Ct);
        var afterNote = await Store.GetEntriesVersionAsync(Ct);
        await Store.UpdateEntryAsync(entry.Id, new EntryPatch(Rules("tcp/443", "tcp/8443"), null), "ops", Ct);
        var afterPorts = await Store.GetEntriesVersionAsync(Ct);
        await ExecuteRawAsync(
            "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at) VALUES ('plain.example.com', 1, '', '', 0, 'sql', 0)");
        var afterRawInsert = await Store.GetEntriesVersionAsync(Ct);
        await ExecuteRawAsync("UPDATE entries SET suppressed_by = '10.0.0.0/8' WHERE value = 'plain.example.com'");
        var afterSuppress = await Store.GetEntriesVersionAsync(Ct);
        await Store.DeleteEntryAsync(entry.Id, "ops", Ct);
        var afterDelete = await Store.GetEntriesVersionAsync(Ct);
        await ExecuteRawAsync("UPDATE entries SET note = 'raw note' WHERE value = 'plain.example.com'");
        var afterRawNote = await Store.GetEntriesVersionAsync(Ct);

        Assert.Equal(0, start);
        Assert.Equal(
            new long[] { 1, 1, 2, 3, 4, 5, 5 },
            new[] { afterCreate, afterNote, afterPorts, afterRawInsert, afterSuppress, afterDelete, afterRawNote });
    }

    [Fact]
    public async Task Entries_version_counts_each_row_of_a_bulk_create()
    {
        var before = await Store.GetEntriesVersionAsync(Ct);

        var created = await Store.CreateEntriesAsync(
            Enumerable.Range(0, 250).Select(i => Domain($"bulk-{i}.example.com")).ToList(), "ops", allOrNothing: true, Ct);

        Assert.Equal(250, created.Items.Count(i => i.Outcome == EntryWriteOutcome.Created));
        Assert.Equal(before + 250, await Store.GetEntriesVersionAsync(Ct));
    }
}
