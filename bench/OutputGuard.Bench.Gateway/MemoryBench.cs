using System.Diagnostics;
using System.Globalization;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Sync;
using Destination = OutputGuard.Addressing.Destination;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// Where the agent's managed memory goes at N hosts, in this process (no kernel, no agent): each structure the agent
/// holds while it loads a snapshot, built alone and measured as the managed heap it keeps after a full collection,
/// the way before this change (a list of values, then a set of <see cref="Destination"/>, then an array for the state
/// file) against the way now (parts added straight into a <see cref="HostSet"/>-backed list, a compact copy for the
/// state file) in the same run.
/// </summary>
internal static class MemoryBench
{
    /// <summary>The control plane's default snapshot part (snapshot_part_size).</summary>
    private const int PartSize = 5_000;

    public static List<string[]> Run(IReadOnlyList<int> sizes, Func<int, Destination> host)
    {
        var rows = new List<string[]>();
        foreach (var n in sizes)
        {
            var size = n.ToString("N0", CultureInfo.InvariantCulture);
            var values = Enumerable.Range(0, n).Select(host).ToArray();
            var part = Measure(() => Enumerable.Range(0, PartSize).Select(i => new WireDestination { Prefix = host(i).Prefix.ToString() }).ToList());
            rows.Add([$"one snapshot part on the wire ({PartSize:N0} protobuf Destination with prefix strings; parsed, transient)", size, Mib(part.Bytes), PerHost(part.Bytes, PartSize), ""]);

            var oldParts = Measure(() =>
            {
                var list = new List<Destination>();
                foreach (var chunk in values.Chunk(PartSize))
                {
                    list.AddRange(chunk);
                }

                return list;
            });
            rows.Add(["before: snapshot parts as a List<Destination> (grown part by part)", size, Mib(oldParts.Bytes), PerHost(oldParts.Bytes, n), Ms(oldParts.Ms)]);
            var oldSet = Measure(() => new HashSet<Destination>(values));
            rows.Add(["before: AllowList hosts, HashSet<Destination> (sized once)", size, Mib(oldSet.Bytes), PerHost(oldSet.Bytes, n), Ms(oldSet.Ms)]);
            var oldCopy = Measure(() => values.ToArray());
            rows.Add(["before: state-file copy, Destination[] (and the List the writer made of it)", size, Mib(oldCopy.Bytes), PerHost(oldCopy.Bytes, n), ""]);
            rows.Add(["before: held at once while a snapshot is applied (parts + set), then the copy", size, Mib(oldParts.Bytes + oldSet.Bytes), PerHost(oldParts.Bytes + oldSet.Bytes, n), ""]);

            var wire = Enumerable.Range(0, PartSize).Select(i => new WireDestination { Prefix = host(i).Prefix.ToString() }).ToList();
            var newParts = Measure(() =>
            {
                var parts = new SnapshotParts(1);
                for (var from = 0; from < n; from += PartSize)
                {
                    // The same part's strings again and again would dedupe into one set entry: vary the prefix.
                    for (var i = 0; i < PartSize && from + i < n; i++)
                    {
                        wire[i].Prefix = values[from + i].Prefix.ToString();
                    }

                    parts.Add(from + PartSize <= n ? wire : wire[..(n - from)]);
                }

                return parts.ToAllowList(string.Empty);
            });
            rows.Add(["now: SnapshotParts straight into AllowList (HostSet, grown part by part)", size, Mib(newParts.Bytes), PerHost(newParts.Bytes, n), Ms(newParts.Ms)]);
            var list = AllowList.Of(1, values);
            var newCopy = Measure(list.Clone);
            rows.Add(["now: state-file copy, AllowList.Clone", size, Mib(newCopy.Bytes), PerHost(newCopy.Bytes, n), Ms(newCopy.Ms)]);
            var mirror = Measure(() => new HashSet<UInt128>(values.Select(v => v.Prefix.First)));
            rows.Add(["enforcer's HostMirror, HashSet<UInt128> (not changed here)", size, Mib(mirror.Bytes), PerHost(mirror.Bytes, n), ""]);
            GC.KeepAlive(list);
        }

        return rows;
    }

    /// <summary>Builds one structure alone and returns the managed bytes it keeps alive and the time it took.</summary>
    private static (long Bytes, double Ms) Measure<T>(Func<T> build)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var t = Stopwatch.GetTimestamp();
        var kept = build();
        var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(kept);
        return (after - before, ms);
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string PerHost(long bytes, int n) => (bytes / (double)n).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ms(double ms) => ms.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
