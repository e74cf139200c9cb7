using System.Diagnostics;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>The change log: catching up, trimming, gap-free revisions under concurrency; migrations.</summary>
public abstract partial class StoreContract
{
    [Fact]
    public async Task Changes_after_an_old_revision_are_exactly_the_missed_revisions_in_order()
    {
        var entries = new List<Entry>();
        for (var i = 1; i <= 5; i++)
        {
            entries.Add(await CreatedAsync(Ip($"203.0.113.{i}/32")));
        }

        await Store.DeleteEntryAsync(entries[1].Id, "ops", Ct);

        var changes = (await Store.GetChangesAsync(3, 100, Ct))!;
        Assert.Equal([4L, 5L, 6L], changes.Select(c => c.Revision));
        Assert.Equal(["203.0.113.4/32"], changes[0].Added.Select(d => d.ToString()));
        Assert.Equal(["203.0.113.5/32"], changes[1].Added.Select(d => d.ToString()));
        Assert.Equal(["203.0.113.2/32"], changes[2].Removed.Select(d => d.ToString()));
        Assert.Empty(changes[2].Added);
    }

    [Fact]
    public async Task Changes_are_limited_to_the_requested_number_of_revisions()
    {
        for (var i = 1; i <= 5; i++)
        {
            await CreatedAsync(Ip($"203.0.113.{i}/32"));
        }

        var changes = await Store.GetChangesAsync(1, 2, Ct);

        Assert.Equal([2L, 3L], changes!.Select(c => c.Revision));
        Assert.Empty((await Store.GetChangesAsync(5, 10, Ct))!);
    }

    [Fact]
    public async Task Changes_below_the_trimmed_floor_are_unavailable()
    {
        for (var i = 1; i <= 5; i++)
        {
            await CreatedAsync(Ip($"203.0.113.{i}/32"));
        }

        var removed = await Store.TrimChangeLogAsync(2, Ct);

        Assert.Equal(3, removed);
        Assert.Null(await Store.GetChangesAsync(2, 100, Ct));
        Assert.Equal([4L, 5L], (await Store.GetChangesAsync(3, 100, Ct))!.Select(c => c.Revision));
        var state = await Store.GetDesiredStateAsync(Ct);
        Assert.Equal((5L, 3L, 5), (state.Revision, state.ChangeLogFloor, state.Destinations.Count));
        Assert.Equal(0, await Store.TrimChangeLogAsync(2, Ct));
    }

    [Fact]
    public async Task Revisions_are_gap_free_under_concurrent_writers()
    {
        const int writers = 4;
        const int perWriter = 50;
        var stores = Enumerable.Range(0, writers).Select(_ => CreateStore(Location)).ToList();
        var clock = Stopwatch.StartNew();

        await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                var result = await store.CreateEntryAsync(Ip(HostOf($"2001:db8::{w + 1:x}:{i + 1:x}")), $"writer-{w}", Ct);
                Assert.Equal(EntryWriteOutcome.Created, result.Outcome);
            }
        })));

        clock.Stop();
        var rate = writers * perWriter / clock.Elapsed.TotalSeconds;
        Output.WriteLine($"{ExpectedBackend}: {writers} writers x {perWriter} creates in {clock.Elapsed.TotalMilliseconds:F0} ms = {rate:F0} creates/s");
        Console.WriteLine($"[store-throughput] {ExpectedBackend}: {rate:F0} creates/s ({writers}x{perWriter} in {clock.Elapsed.TotalMilliseconds:F0} ms)");
        var changes = (await Store.GetChangesAsync(0, 1000, Ct))!;
        Assert.Equal(Enumerable.Range(1, writers * perWriter).Select(r => (long)r), changes.Select(c => c.Revision));
        Assert.All(changes, c => Assert.Single(c.Added));
        Assert.Equal(writers * perWriter, await ScalarRawAsync<long>("SELECT COUNT(DISTINCT revision) FROM change_log"));
        Assert.Equal(writers * perWriter, (await Store.GetDesiredStateAsync(Ct)).Revision);
    }

    [Fact]
    public async Task Migrating_again_is_a_no_op()
    {
        var entry = await CreatedAsync(Ip("203.0.113.7/32"));
        var versionsBefore = await ScalarRawAsync<long>("SELECT COUNT(*) FROM schema_version");

        await Store.MigrateAsync(Ct);
        await CreateStore(Location).MigrateAsync(Ct);

        Assert.Equal(versionsBefore, await ScalarRawAsync<long>("SELECT COUNT(*) FROM schema_version"));
        Assert.True(versionsBefore >= 1);
        Assert.NotNull(await Store.GetEntryAsync(entry.Id, Ct));
        Assert.Equal(1, await Store.GetRevisionAsync(Ct));
    }

    [Fact]
    public async Task Stores_migrating_one_fresh_database_at_once_apply_each_script_once()
    {
        var location = await NewDatabaseAsync();

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => CreateStore(location).MigrateAsync(Ct))));

        Assert.Equal(1, await ScalarRawAsync<long>("SELECT COUNT(*) FROM state", location: location));
        var versions = await ScalarRawAsync<long>("SELECT COUNT(*) FROM schema_version", location: location);
        Assert.Equal(versions, await ScalarRawAsync<long>("SELECT COUNT(DISTINCT version) FROM schema_version", location: location));
        Assert.Equal(0, await CreateStore(location).GetRevisionAsync(Ct));
    }
}
