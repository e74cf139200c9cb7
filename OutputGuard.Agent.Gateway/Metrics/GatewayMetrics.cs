using System.Diagnostics.Metrics;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// The agent's instruments. The per-destination series keep the names of the system OutputGuard replaces,
/// <c>iptables_bytes_count</c> and <c>iptables_packets_count</c> with labels <c>ip</c>, <c>type</c>, <c>hostname</c>:
/// they are observable gauges reporting the kernel's running totals, because the exporter appends <c>_total</c>
/// to every counter when Prometheus negotiates OpenMetrics, and the dashboards need the names unchanged. They are
/// bounded (<see cref="BusiestSeries"/>): the busiest destinations plus <c>ip="other"</c> per direction, and likewise
/// <c>outputguard_entry_bytes</c> / <c>outputguard_entry_packets</c> per entry, on a meter of their own
/// (<see cref="BoundedSeriesMeter"/>). Every callback enumerates the latest reading of <see cref="KernelCounterReader"/>;
/// a scrape never reads the kernel.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OutputGuard.Gateway";

    private readonly Meter _meter;
    private readonly Histogram<double> _applySeconds;
    private readonly Histogram<double> _counterReadSeconds;
    private readonly GatewayStatus _status;
    private readonly KernelCounterReader _counters;

    /// <summary>Creates the instruments.</summary>
    public GatewayMetrics(IMeterFactory meters, KernelCounterReader counters, GatewayStatus status, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(options);
        _counters = counters ?? throw new ArgumentNullException(nameof(counters));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _meter = meters.Create(MeterName);
        var hostname = new KeyValuePair<string, object?>("hostname", options.EffectiveHostname);

        _meter.CreateObservableGauge("outputguard_counted_destinations", () =>
            new Measurement<long>(counters.Read().Series.CountedDestinations, hostname), description: "Destinations the kernel counts (the iptables_* series show the busiest of them).");
        _meter.CreateObservableGauge("outputguard_counter_read_elements", () =>
            new Measurement<long>(counters.Read().Elements, hostname), description: "Kernel set elements the latest counter read returned.");
        _meter.CreateObservableGauge("outputguard_counter_snapshot_age_seconds", () => Age(counters.Read()) is { } age
            ? [new Measurement<double>(age, hostname)] : Array.Empty<Measurement<double>>(), description: "Age of the counter reading the metrics and traffic reports serve.");
        _meter.CreateObservableCounter("outputguard_counter_read_failures", () =>
            new Measurement<long>(counters.Failures, hostname), description: "Kernel counter reads that failed (the previous reading stayed in force).");
        _meter.CreateObservableGauge("outputguard_denied_packets", () => counters.Read().Denied.Select(c =>
            new Measurement<long>((long)c.Packets, new("ip", c.Ip), new("protocol", c.ProtocolName), new("port", Port(c)), hostname)), description: "Packets to denied destinations by protocol and port (the busiest ones, bounded).");
        _meter.CreateObservableGauge("outputguard_denied_bytes", () => counters.Read().Denied.Select(c =>
            new Measurement<long>((long)c.Bytes, new("ip", c.Ip), new("protocol", c.ProtocolName), new("port", Port(c)), hostname)), description: "Bytes to denied destinations by protocol and port (the busiest ones, bounded).");
        _meter.CreateObservableGauge("outputguard_denied_destinations", () =>
            new Measurement<long>(counters.Read().DeniedTotal, hostname), description: "Denied destinations (address, protocol, port) the kernel currently records.");
        _meter.CreateObservableGauge("outputguard_denied_inbound_packets", () => counters.Read().Inbound.Select(c =>
            new Measurement<long>((long)c.Packets, new("ip", c.Ip), new("protocol", c.ProtocolName), new("port", Port(c)), hostname)), description: "Packets of connections initiated from outside toward clients, dropped, by initiator, protocol and client port (the busiest, bounded).");
        _meter.CreateObservableGauge("outputguard_denied_inbound_sources", () =>
            new Measurement<long>(counters.Read().InboundTotal, hostname), description: "Initiators (address, protocol, port) of dropped inbound connections the kernel currently records.");
        _meter.CreateObservableCounter("outputguard_drift_repairs", () =>
            new Measurement<long>(status.DriftRepairs, hostname), description: "Times the table was found changed by someone else and repaired.");
        _meter.CreateObservableGauge("outputguard_table_healthy", () =>
            new Measurement<int>(status.TableHealthy ? 1 : 0, hostname), description: "1 while the kernel table is exactly what the gateway applied, 0 while it is missing or wrong.");
        _meter.CreateObservableCounter("outputguard_refused_destinations", () =>
            new Measurement<long>(status.RefusedDestinations, hostname), description: "Destinations from the control plane refused as malformed (never applied).");
        _meter.CreateObservableGauge("outputguard_applied_revision", () =>
            new Measurement<long>(status.Revision, hostname), description: "The desired-state revision applied in the kernel.");
        _meter.CreateObservableGauge("outputguard_elements", () =>
            new Measurement<long>(status.Elements, hostname), description: "Allow entries in the kernel's sets.");
        _meter.CreateObservableGauge("outputguard_sync_state", () =>
            new Measurement<int>((int)status.State, hostname), description: "0 disconnected, 1 connecting, 2 connected.");
        _meter.CreateObservableCounter("outputguard_sync_failures", () =>
            new Measurement<long>(status.Failures, hostname), description: "Failed connections and broken streams.");
        _meter.CreateObservableCounter("outputguard_applies", () =>
            new Measurement<long>(status.Applies, hostname), description: "Snapshots and deltas that changed the kernel.");
        _meter.CreateObservableGauge("outputguard_observe_mode", () =>
            new Measurement<int>(options.Observe ? 1 : 0, hostname), description: "1 while observe mode lets traffic that is not allowed pass (--observe), else 0.");
        _applySeconds = _meter.CreateHistogram<double>("outputguard_apply_duration_seconds", description: "Time to apply a snapshot or delta in the kernel.");
        _counterReadSeconds = _meter.CreateHistogram<double>("outputguard_counter_read_seconds", description: "Time of one read of every kernel counter (in the background, never during a scrape).");
        status.Applied += OnApplied;
        counters.Published += OnCountersRead;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _status.Applied -= OnApplied;
        _counters.Published -= OnCountersRead;
        _meter.Dispose();
    }

    private static double? Age(CounterSnapshot s) => s.ReadAt == 0 ? null : System.Diagnostics.Stopwatch.GetElapsedTime(s.ReadAt).TotalSeconds;

    private void OnApplied(double seconds) => _applySeconds.Record(seconds);

    private void OnCountersRead(CounterSnapshot read) => _counterReadSeconds.Record(read.ReadSeconds);

    private static string Port(DeniedCounter c) => c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
