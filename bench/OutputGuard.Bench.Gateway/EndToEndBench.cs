using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using OutputGuard.V1;
using Destination = OutputGuard.Addressing.Destination;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// End to end with the real processes (<see cref="BenchProcesses"/>): API call → the agent reports the revision
/// applied in its kernel, with nothing and with N destinations present; the control plane filled through
/// BatchCreateEntries (100,000 entries a call, one revision each: the agent follows them as deltas); then a gateway
/// that never ran here (no state file, no table) loads the whole snapshot of N, and its memory is followed through the
/// sync, its first counter read and scrapes. With <c>--compare-agent DLL</c> a second build of the agent (e.g. the one
/// before a change) loads the same snapshot after the first, in the same run.
/// </summary>
internal static class EndToEndBench
{
    /// <summary>The control plane's per-call cap of BatchCreateEntries (InputLimits.MaxBatchEntries).</summary>
    private const int BatchSize = 100_000;

    /// <summary>How long to wait for the agent's counter read after a sync (one of a million hash-set elements took 136 s, idle).</summary>
    private static readonly TimeSpan CounterReadWait = TimeSpan.FromMinutes(6);

    public static async Task<(List<string[]> Latency, List<string[]> Memory, List<string> Notes)> RunAsync(
        BenchLab lab, int n, int changes, Func<int, Destination> host, IReadOnlyList<(string Name, string Dll)> agents, string? gcdumpTool, int? countersIntervalMs)
    {
        var latency = new List<string[]>();
        var memory = new List<string[]>();
        var notes = new List<string>();
        var size = n.ToString("N0", CultureInfo.InvariantCulture);
        await using var processes = countersIntervalMs is { } ms
            ? new BenchProcesses(lab, "--counters-interval-ms", ms.ToString(CultureInfo.InvariantCulture))
            : new BenchProcesses(lab);
        await processes.StartAsync();
        var revision = await processes.AppliedRevisionAsync();
        var empty = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, dll) in agents.Reverse())
        {
            // Each build's own empty baseline, the main one last: it is the one that follows the changes.
            await processes.RestartFreshAsync(dll);
            await Task.Delay(TimeSpan.FromSeconds(2)); // settle: the empty snapshot applied, start-up done
            empty[name] = processes.AgentRssMiB();
        }

        var main = agents[0].Name;
        var apiSamples = new List<double>();
        await Changes(changes); // warm-up (JIT, tiered compilation, connections), not counted
        apiSamples.Clear();
        var atZero = await Changes(changes);
        var apiZero = apiSamples.ToList();
        apiSamples.Clear();

        // The fill: one BatchCreateEntries per 100,000 entries, sequential (each is one store transaction).
        var fill = Stopwatch.StartNew();
        var deltaPeak = 0.0;
        using (var sampling = new CancellationTokenSource())
        {
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    deltaPeak = Math.Max(deltaPeak, processes.AgentRssMiB());
                    await Task.Delay(50, CancellationToken.None);
                }
            });
            for (var from = 0; from < n; from += BatchSize)
            {
                var request = new BatchCreateEntriesRequest { AllOrNothing = true };
                request.Entries.AddRange(Enumerable.Range(from + 1, Math.Min(BatchSize, n - from)).Select(i => new Entry { Value = host(i).Prefix.Address.ToString() }));
                var response = await processes.BulkEntries.BatchCreateEntriesAsync(request, deadline: DateTime.UtcNow.AddMinutes(10));
                revision = response.Revision;
            }

            var created = fill.Elapsed;
            await WaitApplied(revision, TimeSpan.FromMinutes(10));
            await sampling.CancelAsync();
            await sampler;
            fill.Stop();
            latency.Add([$"fill {size} entries: BatchCreateEntries of {BatchSize:N0}, then applied by the agent (deltas)", size, Ms(fill.Elapsed.TotalMilliseconds), $"{Ms(created.TotalMilliseconds)} in the API", ""]);
        }

        memory.Add(["RSS empty (connected, nothing allowed)", main, "0", Mib(empty[main]), "1.00"]);
        memory.Add([$"RSS peak while following the fill ({(n + BatchSize - 1) / BatchSize} deltas and its counter reads, VmRSS every 50 ms)", main, size, Mib(deltaPeak), Ratio(deltaPeak, empty[main])]);
        memory.Add(["RSS after the fill", main, size, Mib(processes.AgentRssMiB()), Ratio(processes.AgentRssMiB(), empty[main])]);

        var atN = await Changes(changes);
        latency.Insert(0, ["API → kernel, one change", "0", Ms(Median(atZero)), Ms(P99(atZero)), "1.00"]);
        latency.Insert(1, ["API → kernel, one change", size, Ms(Median(atN)), Ms(P99(atN)), Ratio(Median(atN), Median(atZero))]);
        latency.Insert(2, ["  of which the API call returns", "0", Ms(Median(apiZero)), Ms(P99(apiZero)), ""]);
        latency.Insert(3, ["  of which the API call returns", size, Ms(Median(apiSamples)), Ms(P99(apiSamples)), ""]);

        // A gateway that never ran here loads the snapshot of N: the memory of the whole sync, then scrapes.
        foreach (var (name, dll) in agents)
        {
            await processes.RestartFreshAsync(dll);
            var sync = Stopwatch.StartNew();
            var polled = 0.0;
            while (await processes.AppliedRevisionAsync() < revision)
            {
                polled = Math.Max(polled, processes.AgentRssMiB());
                if (sync.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new TimeoutException($"the snapshot of revision {revision} was not applied within 10 minutes");
                }

                await Task.Delay(20);
            }

            sync.Stop();
            var synced = processes.AgentRssMiB();
            var deadline = Stopwatch.StartNew();
            while (processes.StateFileBytes() == 0 && deadline.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(50);
            }

            var peak = processes.AgentPeakMiB();
            await Task.Delay(TimeSpan.FromSeconds(2)); // settle: the state file written, the writer resting
            var settled = processes.AgentRssMiB();
            var baseline = empty[name];
            memory.Add([$"RSS peak while loading the snapshot ({Seconds(sync.Elapsed.TotalSeconds)} to applied; VmHWM, polled VmRSS {Mib(polled)})", name, size, Mib(peak), Ratio(peak, baseline)]);
            memory.Add(["RSS when applied", name, size, Mib(synced), Ratio(synced, baseline)]);
            memory.Add([$"RSS after sync (state file of {processes.StateFileBytes() / 1048576.0:0.0} MiB written, 2 s later)", name, size, Mib(settled), Ratio(settled, baseline)]);

            // Prometheus scrapes every 15 s or so; a scrape never waits on the kernel, so poll (a scrape a second) until
            // the agent's own background counter read has finished once more after the sync: that read started after
            // the snapshot was applied or while it was, and its elements say which.
            var readsAtSync = Value(await processes.MetricsAsync(), "outputguard_counter_read_seconds_count");
            var waited = Stopwatch.StartNew();
            var polls = 1;
            string readPage;
            var wait = countersIntervalMs is not { } interval || interval < CounterReadWait.TotalMilliseconds ? CounterReadWait : TimeSpan.Zero;
            while (Value(readPage = await processes.MetricsAsync(), "outputguard_counter_read_seconds_count") <= readsAtSync && waited.Elapsed < wait)
            {
                polls++;
                await Task.Delay(TimeSpan.FromSeconds(1));
            }

            var read = Value(readPage, "outputguard_counter_read_seconds_count") > readsAtSync;
            var afterRead = processes.AgentRssMiB();
            memory.Add([read
                ? $"RSS after a counter read that followed the sync ({Value(readPage, "outputguard_counter_read_elements"):N0} elements; {Seconds(waited.Elapsed.TotalSeconds)} later, {polls} scrapes while waiting)"
                : wait == TimeSpan.Zero ? $"RSS after sync, no counter read of N (--agent-counters-interval-ms {countersIntervalMs})"
                : $"RSS {CounterReadWait.TotalMinutes:0} min after sync: NO counter read finished ({polls} scrapes while waiting)", name, size, Mib(afterRead), Ratio(afterRead, baseline)]);
            var scrape = Stopwatch.StartNew();
            var page = await processes.MetricsAsync();
            scrape.Stop();
            var once = processes.AgentRssMiB();
            for (var i = 0; i < 9; i++)
            {
                await processes.MetricsAsync();
            }

            var ten = processes.AgentRssMiB();
            var lines = page.Split('\n');
            var series = lines.Count(l => l.Length > 0 && l[0] != '#');
            var destinationSeries = lines.Count(l => l.StartsWith("iptables_bytes_count", StringComparison.Ordinal));
            memory.Add([$"RSS after one scrape ({Seconds(scrape.Elapsed.TotalSeconds)}, {System.Text.Encoding.UTF8.GetByteCount(page):N0} bytes, {series:N0} series, {destinationSeries:N0} iptables_bytes_count*)", name, size, Mib(once), Ratio(once, baseline)]);
            memory.Add(["RSS after ten scrapes", name, size, Mib(ten), Ratio(ten, baseline)]);
            memory.Add(["RSS peak over the whole life (VmHWM)", name, size, Mib(processes.AgentPeakMiB()), Ratio(processes.AgentPeakMiB(), baseline)]);
            if (gcdumpTool is not null)
            {
                notes.Add($"{name}: {GcDump(gcdumpTool, processes.AgentPid)}");
            }
        }

        return (latency, memory, notes);

        async Task<List<double>> Changes(int count)
        {
            var samples = new List<double>();
            Entry? last = null;
            for (var i = 0; i < count; i++)
            {
                var t = Stopwatch.GetTimestamp();
                if (last is null)
                {
                    last = await processes.Entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.77" } });
                }
                else
                {
                    await processes.Entries.DeleteEntryAsync(new DeleteEntryRequest { Name = last.Name });
                    last = null;
                }

                revision++;
                apiSamples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                await WaitApplied(revision, TimeSpan.FromSeconds(30));
                samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }

            return samples;
        }

        async Task WaitApplied(long want, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (await processes.AppliedRevisionAsync() < want)
            {
                if (deadline.Elapsed > timeout)
                {
                    throw new TimeoutException($"revision {want} not applied within {timeout}");
                }

                await Task.Delay(1);
            }
        }
    }

    /// <summary>A gcdump of the agent (it forces a full collection) and the head of its report: the managed heap by type.</summary>
    private static string GcDump(string tool, int pid)
    {
        var file = Path.Combine(Path.GetTempPath(), $"og-bench-agent-{pid}.gcdump");
        try
        {
            var collect = Tool.TryRun(tool, "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", file);
            if (!File.Exists(file))
            {
                return $"gcdump failed: {collect.Output}";
            }

            var report = Tool.TryRun(tool, "report", file);
            return "managed heap after ten scrapes (dotnet-gcdump report, top types):\n" + string.Join('\n', report.Output.Split('\n').Take(30));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static double Value(string page, string name)
    {
        foreach (var line in page.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static double Median(List<double> s) => s.Order().ElementAt(s.Count / 2);

    private static double P99(List<double> s) => s.Order().ElementAt(Math.Min(s.Count - 1, (int)Math.Ceiling(s.Count * 0.99) - 1));

    private static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

    private static string Seconds(double s) => s.ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string Mib(double m) => m.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ratio(double a, double b) => (a / b).ToString("0.00", CultureInfo.InvariantCulture);
}
