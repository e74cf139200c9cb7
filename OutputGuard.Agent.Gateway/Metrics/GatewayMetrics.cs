using System.Diagnostics.Metrics;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// The agent's instruments. The per-destination series keep the names of the system OutputGuard replaces,
/// <c>iptables_bytes_count</c> and <c>iptables_packets_count</c> with labels <c>ip</c>, <c>type</c>, <c>hostname</c>:
/// they are observable gauges reporting the kernel's running totals, because the exporter appends <c>_total</c>
/// to every counter when Prometheus negotiates OpenMetrics, and the dashboards need the names unchanged.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OutputGuard.Gateway";

    private readonly Meter _meter;
    private readonly Histogram<double> _applySeconds;
    private readonly GatewayStatus _status;

    /// <summary>Creates the instruments.</summary>
    public GatewayMetrics(IMeterFactory meters, KernelCounterReader counters, GatewayStatus status, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(options);
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _meter = meters.Create(MeterName);
        var hostname = new KeyValuePair<string, object?>("hostname", options.EffectiveHostname);

        _meter.CreateObservableGauge("iptables_bytes_count", () => counters.Read().Allowed.Select(c =>
            new Measurement<long>((long)c.Bytes, new("ip", c.Ip), new("type", c.Type), hostname)), description: "Bytes per allowed destination (OUTPUT: client to destination, INPUT: destination to client).");
        _meter.CreateObservableGauge("iptables_packets_count", () => counters.Read().Allowed.Select(c =>
            new Measurement<long>((long)c.Packets, new("ip", c.Ip), new("type", c.Type), hostname)), description: "Packets per allowed destination.");
        _meter.CreateObservableGauge("outputguard_denied_packets", () => counters.Read().Denied.Select(c =>
            new Measurement<long>((long)c.Packets, new("ip", c.Ip), hostname)), description: "Packets to denied destinations (the busiest ones, bounded).");
        _meter.CreateObservableGauge("outputguard_denied_bytes", () => counters.Read().Denied.Select(c =>
            new Measurement<long>((long)c.Bytes, new("ip", c.Ip), hostname)), description: "Bytes to denied destinations (the busiest ones, bounded).");
        _meter.CreateObservableGauge("outputguard_denied_destinations", () =>
            new Measurement<long>(counters.Read().DeniedTotal, hostname), description: "Denied destinations the kernel currently records.");
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
        status.Applied += OnApplied;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _status.Applied -= OnApplied;
        _meter.Dispose();
    }

    private void OnApplied(double seconds) => _applySeconds.Record(seconds);
}
