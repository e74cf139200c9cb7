using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// Chooses what the metrics export from a reading: the busiest destinations' <c>iptables_*</c> series and the busiest
/// entries' <c>outputguard_entry_*</c> series, each family bounded by <see cref="BusiestSeries"/> with its
/// <c>other</c> series. A destination's entries come from <paramref name="published"/> (the domain entries the control
/// plane named the destination with, by prefix; with the destination's own label too when an IP or CIDR entry also
/// holds it) and from <paramref name="entries"/> (the entries whose names the DNS proxy learned the address for); a
/// destination neither names is its own entry, labelled as the <c>ip</c> label (an IP or CIDR entry's value). An
/// address of several entries counts toward each of them. What the proxy learned is remembered while the kernel still
/// counts the address (a published address stays its entry's after the learned record expired), so an entry's series
/// does not jump between names. Not thread-safe: one reader loop calls it.
/// </summary>
/// <param name="limit">The most destinations, and the most entries, exported besides <c>other</c>.</param>
/// <param name="rechoose">How long a choice of the busiest stands.</param>
/// <param name="entries">The entries of learned addresses by <c>ip</c> label, read at each reading; null: none.</param>
/// <param name="published">The entries of published destinations by prefix, read at each reading; null: none.</param>
public sealed class CounterSeries(
    int limit,
    TimeSpan rechoose,
    Func<IReadOnlyDictionary<string, IReadOnlyList<string>>>? entries = null,
    Func<IReadOnlyDictionary<IpPrefix, EntryNameSet>>? published = null)
{
    private readonly BusiestSeries _destinations = new(limit, rechoose);
    private readonly BusiestSeries _entries = new(limit, rechoose);
    private static readonly Dictionary<IpPrefix, EntryNameSet> NoLabels = [];
    private Dictionary<string, IReadOnlyList<string>> _known = new(StringComparer.Ordinal);

    /// <summary>The series of <paramref name="snapshot"/>.</summary>
    public ExportedSeries Choose(CounterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var byDestination = snapshot.Allowed.Select(c => new SeriesValue(c.Ip, c.Type, c.Bytes, c.Packets)).ToList();
        var names = Remember(snapshot, entries?.Invoke());
        var labels = published?.Invoke() ?? NoLabels;
        var destinations = _destinations.Export(byDestination);
        var distinct = snapshot.Allowed.Select(c => c.Ip).Distinct(StringComparer.Ordinal).Count();
        if (names.Count == 0 && labels.Count == 0)
        {
            // No names: every destination is its own entry, and the same rule makes the same choice.
            return new ExportedSeries(destinations, destinations, distinct);
        }

        var byEntry = new Dictionary<(string Entry, string Type), (ulong Bytes, ulong Packets)>();
        foreach (var c in snapshot.Allowed)
        {
            foreach (var entry in EntriesOf(c, names, labels))
            {
                var sum = byEntry.GetValueOrDefault((entry, c.Type));
                byEntry[(entry, c.Type)] = (sum.Bytes + c.Bytes, sum.Packets + c.Packets);
            }
        }

        var perEntry = _entries.Export(byEntry.Select(e => new SeriesValue(e.Key.Entry, e.Key.Type, e.Value.Bytes, e.Value.Packets)).ToList());
        return new ExportedSeries(destinations, perEntry, distinct);
    }

    /// <summary>The entries <paramref name="c"/> counts toward: the published and the learned ones (each once), else its own label.</summary>
    private static IEnumerable<string> EntriesOf(DestinationCounter c, Dictionary<string, IReadOnlyList<string>> learned, IReadOnlyDictionary<IpPrefix, EntryNameSet> labels)
    {
        var fromProxy = learned.TryGetValue(c.Ip, out var l) && l.Count > 0 ? l : null;
        var fromPlane = c.Prefix is { } prefix && labels.TryGetValue(prefix, out var p) ? p : null;
        if (fromPlane is null)
        {
            return fromProxy ?? [c.Ip];
        }

        var all = fromPlane.OwnEntry ? fromPlane.Names.Append(c.Ip) : fromPlane.Names;
        return fromProxy is null ? all : all.Union(fromProxy, StringComparer.Ordinal);
    }

    /// <summary>The entries of every counted label the proxy learned now or before, bounded by what the kernel counts.</summary>
    private Dictionary<string, IReadOnlyList<string>> Remember(CounterSnapshot snapshot, IReadOnlyDictionary<string, IReadOnlyList<string>>? learned)
    {
        if (learned is null)
        {
            return _known;
        }

        var known = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var c in snapshot.Allowed)
        {
            if (learned.TryGetValue(c.Ip, out var now) && now.Count > 0)
            {
                known[c.Ip] = now;
            }
            else if (_known.TryGetValue(c.Ip, out var before))
            {
                known[c.Ip] = before;
            }
        }

        return _known = known;
    }
}
