using System.Diagnostics;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// Bounds a family of series to the busiest <see cref="Limit"/> keys plus one <see cref="Other"/> series per direction
/// holding the sum of the rest, so that the exported series still sum to the kernel's totals.
/// <para>
/// "Busiest" is by recent bytes: the bytes (both directions) a key gained since the previous choice, ties broken by
/// its total bytes, then in favour of a key chosen before (so that keys of equal traffic, a million hosts without
/// any, do not trade places and renew the exported series for nothing), then by the key. A choice stands for the re-choose interval, so series do not flap from one scrape
/// to the next; a chosen key that left the allow-list frees its slot at the next reading (the choice is made again
/// then). With no more keys than the limit every key is exported. Not thread-safe: one reader loop calls it.
/// </para>
/// </summary>
public sealed class BusiestSeries
{
    /// <summary>The key of the series that sums every key not exported.</summary>
    public const string Other = "other";

    /// <summary>The directions, each of which has its <see cref="Other"/> series.</summary>
    public static readonly IReadOnlyList<string> Types = ["OUTPUT", "INPUT"];

    private readonly TimeSpan _rechoose;
    private Dictionary<string, ulong> _baseline = new(StringComparer.Ordinal);
    private HashSet<string> _chosen = new(StringComparer.Ordinal);
    private long _chosenAt;

    /// <summary>Exports at most <paramref name="limit"/> keys, chosen again every <paramref name="rechoose"/>.</summary>
    public BusiestSeries(int limit, TimeSpan rechoose)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Limit = limit;
        _rechoose = rechoose;
    }

    /// <summary>The most keys exported (each with its directions), besides <see cref="Other"/>.</summary>
    public int Limit { get; }

    /// <summary>How many times the busiest keys were chosen (each a possible change of the exported series).</summary>
    public long Choices { get; private set; }

    /// <summary>
    /// The series to export for <paramref name="all"/> (every key and direction as counted): the chosen keys' series
    /// and one <see cref="Other"/> series per direction (zero when nothing is left out).
    /// </summary>
    public List<SeriesValue> Export(IReadOnlyCollection<SeriesValue> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var totals = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var s in all)
        {
            totals[s.Key] = totals.GetValueOrDefault(s.Key) + s.Bytes;
        }

        if (totals.Count <= Limit)
        {
            _chosen = [.. totals.Keys];
        }
        else if (_chosenAt == 0 || Stopwatch.GetElapsedTime(_chosenAt) >= _rechoose || _chosen.Count < Limit || _chosen.Any(k => !totals.ContainsKey(k)))
        {
            Choose(totals);
        }

        var exported = new List<SeriesValue>(Math.Min(all.Count, (Limit * Types.Count) + Types.Count));
        var other = Types.ToDictionary(t => t, _ => (Bytes: 0UL, Packets: 0UL), StringComparer.Ordinal);
        foreach (var s in all)
        {
            if (_chosen.Contains(s.Key))
            {
                exported.Add(s);
            }
            else
            {
                var sum = other.GetValueOrDefault(s.Type);
                other[s.Type] = (sum.Bytes + s.Bytes, sum.Packets + s.Packets);
            }
        }

        exported.AddRange(other.Select(o => new SeriesValue(Other, o.Key, o.Value.Bytes, o.Value.Packets)));
        return exported;
    }

    private void Choose(Dictionary<string, ulong> totals)
    {
        var baseline = _baseline;
        var before = _chosen;
        ulong Recent(KeyValuePair<string, ulong> t) =>
            baseline.TryGetValue(t.Key, out var was) && was <= t.Value ? t.Value - was : t.Value;

        // Top N without sorting everything: a bounded min-heap on (recent, total, chosen before, key).
        var heap = new PriorityQueue<string, (ulong Recent, ulong Total, bool Kept, string Key)>(Limit + 1, Rank.Instance);
        foreach (var t in totals)
        {
            heap.Enqueue(t.Key, (Recent(t), t.Value, before.Contains(t.Key), t.Key));
            if (heap.Count > Limit)
            {
                heap.Dequeue();
            }
        }

        var chosen = new HashSet<string>(Limit, StringComparer.Ordinal);
        while (heap.TryDequeue(out var key, out _))
        {
            chosen.Add(key);
        }

        _chosen = chosen;
        _baseline = totals.Where(t => t.Value > 0).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        _chosenAt = Stopwatch.GetTimestamp();
        Choices++;
    }

    /// <summary>Lowest rank first (the heap drops it): least recent bytes, then least total, then not chosen before, then the later key.</summary>
    private sealed class Rank : IComparer<(ulong Recent, ulong Total, bool Kept, string Key)>
    {
        public static readonly Rank Instance = new();

        public int Compare((ulong Recent, ulong Total, bool Kept, string Key) x, (ulong Recent, ulong Total, bool Kept, string Key) y)
        {
            var c = x.Recent.CompareTo(y.Recent);
            if (c != 0)
            {
                return c;
            }

            c = x.Total.CompareTo(y.Total);
            if (c != 0)
            {
                return c;
            }

            c = x.Kept.CompareTo(y.Kept);
            return c != 0 ? c : string.CompareOrdinal(y.Key, x.Key);
        }
    }
}
