using System.Diagnostics;
using System.Globalization;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Bench;

/// <summary>
/// A fleet of gateways on one control plane (a child process, so its RSS and CPU are its own): N streams, each on its
/// own connection, that ack like gateways. Per N: fan-out of one CreateEntry to every stream (p50/p99 over streams and
/// changes), the control plane's RSS and CPU per change, and a reconnect storm (every stream cut, a change made,
/// all reconnect with Hello at once) timed until every stream holds the new revision. On the smallest fleet, a bulk
/// BatchCreateEntries of B entries: time to commit, and time until a stream holds its revision (and in how many delta
/// messages), against a batch of 1,000 (the old cap) per 1,000 entries.
/// </summary>
public static class FleetBench
{
    private const string Yaml = """
        change_poll_interval_ms: 1000

        """;

    /// <summary>Rows of (backend, streams, measure, value, ratio to the baseline); the baseline is the first N's row.</summary>
    public static async Task<List<string[]>> RunAsync(string backendName, IReadOnlyList<int> streamCounts, int changes, int bulk)
    {
        var rows = new List<string[]>();
        var baseline = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var n in streamCounts)
        {
            await using var backend = await BenchStores.CreateAsync(backendName);
            await using var child = await ControlPlaneProcess.StartAsync(StreamMemoryBench.Quiet, "--config", backend.WriteConfig(StreamMemoryBench.Yaml + Yaml));
            using var editor = TestChannels.WithToken(child.GrpcUri, StreamMemoryBench.Editor);
            var entries = new EntryService.EntryServiceClient(editor);
            var states = new DesiredStateService.DesiredStateServiceClient(editor);
            var streams = Enumerable.Range(0, n).Select(i => new FleetStream(child.GrpcUri, StreamMemoryBench.Fleet, $"bench-{i}")).ToList();
            try
            {
                await Task.WhenAll(streams.Select(s => s.ConnectAsync()));
                await AllReachAsync(streams, await RevisionAsync(states));
                var rss = await child.SettledResidentMegabytesAsync();

                // Two changes first, unmeasured: the child's first fan-out runs code not compiled yet.
                for (var c = 0; c < 2; c++)
                {
                    await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = Address(5, c) } });
                    await AllReachAsync(streams, await RevisionAsync(states));
                }

                var cpu = child.CpuTime();
                var latencies = new List<double>();
                for (var c = 0; c < changes; c++)
                {
                    var sent = Stopwatch.GetTimestamp();
                    await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = Address(1, c) } });
                    var revision = await RevisionAsync(states);
                    await AllReachAsync(streams, revision);
                    latencies.AddRange(streams.Select(s => Stopwatch.GetElapsedTime(sent, s.ArrivalOf(revision) ?? Stopwatch.GetTimestamp()).TotalMilliseconds));
                }

                var cpuPerChange = (child.CpuTime() - cpu).TotalMilliseconds / changes;
                latencies.Sort();
                Add("fan-out p50 ms", latencies[latencies.Count / 2]);
                Add("fan-out p99 ms", latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]);
                Add("control plane RSS MB", rss);
                Add("control plane CPU ms per change", cpuPerChange);

                // The storm: every stream cut, one change while they are away, all reconnect at once.
                await Task.WhenAll(streams.Select(s => s.CutAsync()));
                await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = Address(2, 0) } });
                var target = await RevisionAsync(states);
                var storm = Stopwatch.StartNew();
                var refused = 0;
                await Task.WhenAll(streams.Select(async s =>
                {
                    try
                    {
                        await s.ConnectAsync();
                    }
                    catch (Grpc.Core.RpcException)
                    {
                        Interlocked.Increment(ref refused);
                    }
                }));
                await AllReachAsync(streams, target);
                Add("reconnect storm ms to all synced", storm.Elapsed.TotalMilliseconds);
                Add("reconnect storm errors", refused + streams.Sum(s => s.Errors), ratio: false);

                // The bulk batch on the smallest fleet: what it costs to commit and to reach a gateway, not the fleet's bandwidth.
                if (n == streamCounts[0] && bulk > 0)
                {
                    await BulkAsync(entries, streams[0]);
                }
            }
            finally
            {
                foreach (var stream in streams)
                {
                    await stream.DisposeAsync();
                }
            }

            void Add(string measure, double value, bool ratio = true)
            {
                baseline.TryAdd(measure, value);
                rows.Add([
                    backendName, n.ToString(CultureInfo.InvariantCulture), measure, value.ToString("0.0", CultureInfo.InvariantCulture),
                    ratio && baseline[measure] > 0 ? (value / baseline[measure]).ToString("0.00", CultureInfo.InvariantCulture) : "-",
                ]);
            }

            async Task BulkAsync(EntryService.EntryServiceClient client, FleetStream watcher)
            {
                // Baseline: a batch of the old cap (1,000), then one of B entries; per 1,000 entries, as ratio.
                double? perThousand = null;
                foreach (var size in new[] { 1000, bulk })
                {
                    var request = new BatchCreateEntriesRequest();
                    request.Entries.AddRange(Enumerable.Range(0, size).Select(i => new Entry { Value = Address(size == 1000 ? 3 : 4, i) }));
                    var deltasBefore = watcher.Deltas;
                    var watch = Stopwatch.StartNew();
                    var response = await client.BatchCreateEntriesAsync(request, deadline: DateTime.UtcNow.AddMinutes(10));
                    var commit = watch.Elapsed.TotalMilliseconds;
                    await AllReachAsync([watcher], response.Revision);
                    var reached = watch.Elapsed.TotalMilliseconds;
                    perThousand ??= reached;
                    var label = size.ToString("N0", CultureInfo.InvariantCulture);
                    rows.Add([backendName, n.ToString(CultureInfo.InvariantCulture), $"batch of {label}: commit ms", commit.ToString("0", CultureInfo.InvariantCulture), "-"]);
                    rows.Add([
                        backendName, n.ToString(CultureInfo.InvariantCulture), $"batch of {label}: at a gateway ms ({watcher.Deltas - deltasBefore} delta)",
                        reached.ToString("0", CultureInfo.InvariantCulture),
                        (reached / perThousand.Value / (size / 1000.0)).ToString("0.00", CultureInfo.InvariantCulture) + " per 1k",
                    ]);
                }
            }
        }

        return rows;
    }

    private static async Task<long> RevisionAsync(DesiredStateService.DesiredStateServiceClient states) =>
        (await states.GetDesiredStateAsync(new GetDesiredStateRequest { PageSize = 1 })).Revision;

    private static async Task AllReachAsync(List<FleetStream> streams, long revision)
    {
        var deadline = Stopwatch.StartNew();
        while (streams.Any(s => s.Seen < revision))
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"{streams.Count(s => s.Seen < revision)} of {streams.Count} streams did not reach revision {revision} in 5 minutes");
            }

            await Task.Delay(2);
        }
    }

    private static string Address(int prefix, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"2001:db8:{prefix:x}:{i / 65536:x}::{i % 65536:x}");
}
