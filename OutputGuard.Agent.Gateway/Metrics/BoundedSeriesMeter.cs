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
/// <para>
/// The new instruments are made only after the exporter has collected twice since the old ones went: until then it
/// still holds the old ones' streams (it exports a disposed instrument once more, then drops it), and instruments of
/// the same names made meanwhile would share their full tables. They are made as soon as the second collection
/// begins, from the reading the old ones exported last, not at the next reading (a read of a million hosts with
/// traffic takes a minute): a renewal leaves the bounded series out of two or three scrapes; renewals happen only
/// when the choice of the busiest changed that much.
/// </para>
/// </summary>
public sealed class BoundedSeriesMeter : IDisposable
{
    private readonly Lock _gate = new();
    private readonly KernelCounterReader _counters;
    private readonly KeyValuePair<string, object?> _hostname;
    private readonly int _points;
    private HashSet<(string, string)> _destinations = [];
    private HashSet<(string, string)> _entries = [];
    private readonly Meter _collections;
    private Meter? _meter;
    private long _collected;
    private long _disposedAt;
    private long _renewals;
    private bool _disposed;

    /// <summary>Creates the instruments, fed by the latest reading of <paramref name="counters"/>.</summary>
    public BoundedSeriesMeter(KernelCounterReader counters, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _hostname = new("hostname", options.EffectiveHostname);
        _points = CounterReading.SeriesPerMetric(options);
        _meter = Create();
        // A meter that stays, whose callback tells how many times the exporter collected.
        _collections = new Meter(GatewayMetrics.MeterName);
        _collections.CreateObservableCounter("outputguard_series_renewals", () =>
        {
            var collected = Interlocked.Increment(ref _collected);
            if (Volatile.Read(ref _meter) is null && collected >= Interlocked.Read(ref _disposedAt) + 2)
            {
                // Not from inside the exporter's collection: instruments published there would join it half made.
                ThreadPool.UnsafeQueueUserWorkItem(static meter => meter.Renew(), this, preferLocal: false);
            }

            return new Measurement<long>(Renewals, _hostname);
        }, description: "Times the bounded series were made anew (a choice of the busiest outgrew what the exporter holds).");
        counters.Publishing += OnRead;
    }

    /// <summary>How many times the meter was made anew.</summary>
    public long Renewals => Interlocked.Read(ref _renewals);

    /// <inheritdoc />
    public void Dispose()
    {
        _counters.Publishing -= OnRead;
        lock (_gate)
        {
            _disposed = true;
            _meter?.Dispose();
        }

        _collections.Dispose();
    }

    /// <summary>Makes the new instruments once the exporter collected twice since the old ones went, with the latest reading.</summary>
    private void Renew()
    {
        lock (_gate)
        {
            if (_meter is null && !_disposed)
            {
                CreateFor(_counters.Read());
            }
        }
    }

    private void CreateFor(CounterSnapshot read)
    {
        if (Interlocked.Read(ref _collected) < _disposedAt + 2)
        {
            return;
        }

        _destinations = [.. read.Series.Destinations.Select(s => (s.Key, s.Type))];
        _entries = [.. read.Series.Entries.Select(s => (s.Key, s.Type))];
        Volatile.Write(ref _meter, Create());
    }

    private void OnRead(CounterSnapshot read)
    {
        lock (_gate)
        {
            if (_meter is null)
            {
                CreateFor(read);
                return;
            }

            var destinations = Grow(_destinations, read.Series.Destinations);
            var entries = Grow(_entries, read.Series.Entries);
            if (destinations.Count <= _points - 2 && entries.Count <= _points - 2)
            {
                (_destinations, _entries) = (destinations, entries);
                return;
            }

            _meter.Dispose();
            Interlocked.Exchange(ref _disposedAt, Interlocked.Read(ref _collected));
            Volatile.Write(ref _meter, null);
            Interlocked.Increment(ref _renewals);
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
