using System.Diagnostics;
using System.Globalization;
using System.Net;
using DnsClient;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.Bench;

/// <summary>
/// The resolver's cost for many domains against a local dnsmasq: raw DnsClient queries (the baseline),
/// the resolver's lookup (A + AAAA, CNAME walk, internal filter, union over servers), and lookup plus
/// the store transaction that applies it (first pass: every address new; steady pass: nothing changes),
/// each with queries per second, CPU time and memory.
/// </summary>
public sealed class ResolverBench(string backend, StoreOptions storeOptions, Dnsmasq dns, List<string> names, int concurrency)
{
    public async Task<List<string[]>> RunAsync()
    {
        var rows = new List<string[]>();
        var server = new NameServer(dns.Endpoint);
        var raw = new LookupClient(new LookupClientOptions(server) { UseCache = false, Timeout = TimeSpan.FromSeconds(2), Retries = 1 });
        var lookup = new DnsLookup([dns.Endpoint], TimeSpan.FromSeconds(2), 8, InternalRanges.Create([], [IpPrefix.Parse("203.0.113.0/24"), IpPrefix.Parse("2001:db8::/32")]));

        // Warm up both paths (JIT, sockets) on a few names.
        await ForEach(names.Take(200), n => raw.QueryAsync(n, QueryType.A));
        await ForEach(names.Take(200), n => lookup.LookupAsync(n, CancellationToken.None));

        var baseline = await Measure(names.Count * 2, () => ForEach(names, async n =>
        {
            await raw.QueryAsync(n, QueryType.A);
            await raw.QueryAsync(n, QueryType.AAAA);
        }));
        rows.Add(Row("DnsClient raw A+AAAA (baseline)", baseline, baseline));

        var failed = 0;
        var lookups = await Measure(names.Count * 2, () => ForEach(names, async n =>
        {
            if ((await lookup.LookupAsync(n, CancellationToken.None)).Outcome != LookupOutcome.Answered)
            {
                Interlocked.Increment(ref failed);
            }
        }));
        rows.Add(Row("resolver lookup, no store", lookups, baseline));

        var store = await StoreFactory.CreateMigratedAsync(storeOptions, CancellationToken.None);
        var ids = new List<(long Id, string Name)>();
        foreach (var name in names)
        {
            var created = await store.CreateEntryAsync(new NewEntry(name, EntryKind.Domain, [], string.Empty, false), "bench", CancellationToken.None);
            ids.Add((created.Entry!.Id, name));
        }

        var policy = new ResolutionPolicy(TimeSpan.FromHours(1), 256, "bench");
        async Task Pass() => await ForEach(ids, async e =>
        {
            var result = await lookup.LookupAsync(e.Name, CancellationToken.None);
            await store.ApplyResolutionAsync(e.Id, result, policy, CancellationToken.None);
        });
        var first = await Measure(names.Count * 2, Pass);
        var revisionAfterFirst = await store.GetRevisionAsync(CancellationToken.None);
        var steady = await Measure(names.Count * 2, Pass);
        var revisionAfterSteady = await store.GetRevisionAsync(CancellationToken.None);
        rows.Add(Row($"lookup + {backend} store, first pass ({revisionAfterFirst} revisions)", first, baseline));
        rows.Add(Row($"lookup + {backend} store, steady pass ({revisionAfterSteady - revisionAfterFirst} revisions)", steady, baseline));
        if (failed > 0)
        {
            Console.Error.WriteLine($"{failed} lookups did not get an answer");
        }

        return rows;
    }

    private async Task ForEach<T>(IEnumerable<T> items, Func<T, Task> body) =>
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (item, _) => await body(item));

    private static async Task<Sample> Measure(int queries, Func<Task> work)
    {
        GC.Collect();
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await work();
        clock.Stop();
        process.Refresh();
        return new Sample(
            queries / clock.Elapsed.TotalSeconds,
            clock.Elapsed.TotalSeconds,
            (process.TotalProcessorTime - cpu).TotalSeconds,
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0,
            GC.GetTotalMemory(forceFullCollection: false) / 1048576.0);
    }

    private string[] Row(string what, Sample s, Sample baseline) =>
    [
        backend,
        what,
        Format(s.QueriesPerSecond, "0"),
        Format(s.WallSeconds, "0.00"),
        Format(s.CpuSeconds, "0.00"),
        Format(s.AllocatedMb, "0"),
        Format(s.HeapMb, "0"),
        Format(baseline.QueriesPerSecond / s.QueriesPerSecond, "0.00"),
    ];

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private sealed record Sample(double QueriesPerSecond, double WallSeconds, double CpuSeconds, double AllocatedMb, double HeapMb);
}
