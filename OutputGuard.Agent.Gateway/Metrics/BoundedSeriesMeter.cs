using System.Diagnostics.Metrics;
using OutputGuard.Agent.Gateway.Configuration;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// The bounded series — <c>iptables_bytes_count</c> / <c>iptables_packets_count</c> per destination and
/// <c>outputguard_entry_bytes</c> / <c>outputguard_entry_packets</c> per entry — on a meter of their own, made anew
/// when the keys they reported since it was made would outgrow what one metric may hold
/// (<see cref="CounterReading.SeriesPerMetric"/>). The exporter keeps a point for every key a metric ever reported
/// (cumulative temporality never reclaims one), so without this the series of past choices of the busiest would hold
/// the room of the next choice, whose keys would then be dropped. A new meter starts with the current choice alone.
/// </summary>
public sealed class BoundedSeriesMeter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly KernelCounterReader _counters;
    private readonly KeyValuePair<string, object?> _hostname;
    private readonly int _points;
    private HashSet<(string, string)> _destinations = [];
    private HashSet<(string, string)> _entries = [];
    private Meter _meter;

    /// <summary>Creates the instruments, fed by the latest reading of <paramref name="counters"/>.</summary>
    public BoundedSeriesMeter(KernelCounterReader counters, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _hostname = new("hostname", options.EffectiveHostname);
        _points = CounterReading.SeriesPerMetric(options);
        _meter = Create();
        counters.Published += OnRead;
    }

    /// <summary>How many times the meter was made anew.</summary>
    public long Renewals { get; private set; }

    /// <inheritdoc />
    public void Dispose()
    {
        _counters.Published -= OnRead;
        lock (_gate)
        {
            _meter.Dispose();
        }
    }

    private void OnRead(CounterSnapshot read)
    {
        lock (_gate)
        {
            var destinations = Grow(_destinations, read.Series.Destinations);
            var entries = Grow(_entries, read.Series.Entries);
            if (destinations.Count <= _points - 2 && entries.Count <= _points - 2)
            {
                (_destinations, _entries) = (destinations, entries);
                return;
            }

            _meter.Dispose();
            _meter = Create();
            _destinations = [.. read.Series.Destinations.Select(s => (s.Key, s.Type))];
            _entries = [.. read.Series.Entries.Select(s => (s.Key, s.Type))];
            Renewals++;
        }
    }

    private static HashSet<(string, string)> Grow(HashSet<(string, string)> reported, IReadOnlyList<SeriesValue> series)
    {
        var grown = reported;
        foreach (var s in series)
        {
            if (!grown.Contains((s.Key, s.Type)))
            {
                grown = ReferenceEquals(grown, reported) ? [.. reported] : grown;
                grown.Add((s.Key, s.Type));
            }
        }

        return grown;
    }

    private Meter Create()
    {
        var meter = new Meter(GatewayMetrics.MeterName);
        var hostname = _hostname;
        var counters = _counters;
        meter.CreateObservableGauge("iptables_bytes_count", () => counters.Read().Series.Destinations.Select(c =>
            new Measurement<long>((long)c.Bytes, new("ip", c.Key), new("type", c.Type), hostname)), description: "Bytes per allowed destination, the busiest ones; ip=\"other\" sums the rest (OUTPUT: client to destination, INPUT: destination to client).");
        meter.CreateObservableGauge("iptables_packets_count", () => counters.Read().Series.Destinations.Select(c =>
            new Measurement<long>((long)c.Packets, new("ip", c.Key), new("type", c.Type), hostname)), description: "Packets per allowed destination, the busiest ones; ip=\"other\" sums the rest.");
        meter.CreateObservableGauge("outputguard_entry_bytes", () => counters.Read().Series.Entries.Select(c =>
            new Measurement<long>((long)c.Bytes, new("entry", c.Key), new("type", c.Type), hostname)), description: "Bytes per allow-list entry (all its addresses, learned ones included), the busiest ones; entry=\"other\" sums the rest.");
        meter.CreateObservableGauge("outputguard_entry_packets", () => counters.Read().Series.Entries.Select(c =>
            new Measurement<long>((long)c.Packets, new("entry", c.Key), new("type", c.Type), hostname)), description: "Packets per allow-list entry, the busiest ones; entry=\"other\" sums the rest.");
        return meter;
    }
}
