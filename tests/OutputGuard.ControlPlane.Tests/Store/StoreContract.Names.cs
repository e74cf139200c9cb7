using System.Net;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Sync;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>Entry names of destinations: read with the desired state and the change log; a change of names alone is a revision.</summary>
public abstract partial class StoreContract
{
    private static readonly Destination SharedAddress = Destination.Parse("203.0.113.7/32");

    [Fact]
    public async Task Desired_state_names_the_destinations_of_domain_entries_and_no_others()
    {
        var api = await CreatedAsync(Domain("api.example.com"));
        await CreatedAsync(Ip("198.51.100.9/32"));
        await CreatedAsync(Cidr("192.0.2.0/24"));
        await ResolveAsync(api, "203.0.113.7", "203.0.113.8");

        var state = await Store.GetDesiredStateAsync(CancellationToken.None);

        Assert.Equal(4, state.Destinations.Count);
        Assert.Equal(["203.0.113.7/32", "203.0.113.8/32"], state.Entries.Keys.Select(d => d.ToString()).Order(StringComparer.Ordinal));
        Assert.All(state.Entries.Values, e => Assert.Equal(["api.example.com"], e.Domains));
        Assert.All(state.Entries.Values, e => Assert.False(e.OwnEntry));
    }

    [Fact]
    public async Task A_second_domain_resolving_to_an_allowed_address_is_a_revision_that_renames_it()
    {
        var api = await CreatedAsync(Domain("api.example.com"));
        var web = await CreatedAsync(Domain("web.example.com"));
        var first = await ResolveAsync(api, "203.0.113.7");

        var second = await ResolveAsync(web, "203.0.113.7");

        Assert.Equal(first + 1, second);
        var change = Assert.Single((await Store.GetChangesAsync(first, 10, CancellationToken.None))!);
        Assert.Equal((second, 0, 0), (change.Revision, change.Added.Count, change.Removed.Count));
        Assert.Equal([SharedAddress], change.Renamed);
        Assert.Equal(["api.example.com", "web.example.com"], change.Entries[SharedAddress].Domains);
        Assert.Equal(["api.example.com", "web.example.com"], (await Store.GetDesiredStateAsync(CancellationToken.None)).Entries[SharedAddress].Domains);
    }

    [Fact]
    public async Task An_address_that_moves_from_one_domain_to_another_while_allowed_is_renamed_without_a_destination_change()
    {
        var api = await CreatedAsync(Domain("api.example.com"));
        var web = await CreatedAsync(Domain("web.example.com"));
        await ResolveAsync(api, "203.0.113.7");
        await ResolveAsync(web, "203.0.113.7");

        var moved = await ResolveAsync(api, "203.0.113.9");

        var change = Assert.Single((await Store.GetChangesAsync(moved - 1, 10, CancellationToken.None))!);
        Assert.Equal(["203.0.113.9/32"], change.Added.Select(d => d.ToString()));
        Assert.Empty(change.Removed);
        Assert.Equal([SharedAddress], change.Renamed);
        Assert.Equal(["web.example.com"], change.Entries[SharedAddress].Domains);
        Assert.Equal(["api.example.com"], change.Entries[Destination.Parse("203.0.113.9/32")].Domains);
    }

    [Fact]
    public async Task An_ip_entry_of_a_domain_address_marks_it_as_its_own_entry_too_and_its_deletion_unmarks_it()
    {
        var api = await CreatedAsync(Domain("api.example.com"));
        var resolved = await ResolveAsync(api, "203.0.113.7");

        var ip = await Store.CreateEntryAsync(Ip("203.0.113.7/32"), "ops", CancellationToken.None);
        var created = Assert.Single((await Store.GetChangesAsync(resolved, 10, CancellationToken.None))!);
        var deleted = await Store.DeleteEntryAsync(ip.Entry!.Id, "ops", CancellationToken.None);
        var after = Assert.Single((await Store.GetChangesAsync(ip.Revision, 10, CancellationToken.None))!);

        Assert.Equal((resolved + 1, resolved + 2), (ip.Revision, deleted.Revision));
        Assert.Equal([SharedAddress], created.Renamed);
        Assert.True(created.Entries[SharedAddress].OwnEntry);
        Assert.Equal([SharedAddress], after.Renamed);
        Assert.False(after.Entries[SharedAddress].OwnEntry);
    }

    [Fact]
    public async Task Changes_of_ip_and_cidr_entries_carry_no_names_and_make_no_rename()
    {
        var ip = await CreatedAsync(Ip("203.0.113.7/32"));
        await CreatedAsync(Cidr("203.0.113.0/24", "tcp/443"));
        var deleted = await Store.DeleteEntryAsync(ip.Id, "ops", CancellationToken.None);

        var changes = (await Store.GetChangesAsync(0, 10, CancellationToken.None))!;

        Assert.Equal(3, deleted.Revision);
        Assert.Equal([1L, 2L, 3L], changes.Select(c => c.Revision));
        Assert.All(changes, c => Assert.Empty(c.Renamed));
        Assert.All(changes, c => Assert.Empty(c.Entries));
        Assert.Empty((await Store.GetDesiredStateAsync(CancellationToken.None)).Entries);
    }

    [Fact]
    public async Task A_rename_only_revision_becomes_a_delta_of_renamed_destinations_with_one_names_table()
    {
        var api = await CreatedAsync(Domain("api.example.com"));
        var web = await CreatedAsync(Domain("web.example.com"));
        var first = await ResolveAsync(api, "203.0.113.7", "203.0.113.8");
        await ResolveAsync(web, "203.0.113.7", "203.0.113.8");

        var delta = RevisionMessages.Delta(Assert.Single((await Store.GetChangesAsync(first, 10, CancellationToken.None))!)).Delta;

        Assert.Empty(delta.Add);
        Assert.Empty(delta.Remove);
        Assert.Equal(["api.example.com", "web.example.com"], delta.EntryNames);
        Assert.Equal(["203.0.113.7/32", "203.0.113.8/32"], delta.Renamed.Select(d => d.Prefix));
        Assert.All(delta.Renamed, d => Assert.Equal([0u, 1u], d.EntryNames));
    }

    [Fact]
    public async Task Each_snapshot_part_names_its_domain_destinations_from_a_table_of_its_own_and_ip_ones_carry_nothing()
    {
        var api = await CreatedAsync(Domain("api.example.com"));
        await CreatedAsync(Ip("198.51.100.9/32"));
        await ResolveAsync(api, "203.0.113.7", "203.0.113.8");
        var options = Microsoft.Extensions.Options.Options.Create(new OutputGuard.ControlPlane.Configuration.ControlPlaneOptions { SnapshotPartSize = 2 });
        using var cache = new SnapshotCache(Store, options);

        var parts = (await cache.GetAsync(0, CancellationToken.None)).Parts.Select(p => p.Snapshot).ToList();

        Assert.Equal(2, parts.Count);
        var all = parts.SelectMany(p => p.Destinations.Select(d => (d.Prefix, Names: d.EntryNames.Select(i => p.EntryNames[(int)i]).ToList()))).ToList();
        Assert.Equal(["198.51.100.9/32", "203.0.113.7/32", "203.0.113.8/32"], all.Select(d => d.Prefix));
        Assert.Empty(all[0].Names);
        Assert.Equal(["api.example.com"], all[1].Names);
        Assert.Equal(["api.example.com"], all[2].Names);
        Assert.All(parts.Where(p => p.Destinations.Any(d => d.EntryNames.Count > 0)), p => Assert.Equal(["api.example.com"], p.EntryNames));
    }

    /// <summary>Applies a lookup that answered <paramref name="addresses"/> to <paramref name="entry"/> (no grace: what it drops goes); returns the revision after.</summary>
    private async Task<long> ResolveAsync(Entry entry, params string[] addresses)
    {
        var lookup = new LookupResult(LookupOutcome.Answered, addresses.Select(a => new AnsweredAddress(IPAddress.Parse(a), 60)).ToList(), [], string.Empty, []);
        var change = await Store.ApplyResolutionAsync(entry.Id, lookup, new ResolutionPolicy(TimeSpan.Zero, 256, "resolver"), CancellationToken.None);
        return change.Revision;
    }
}
