using System.Diagnostics.Metrics;
using OutputGuard.Agent.Gateway.Metrics;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// The DNS proxy's instruments (meter <see cref="GatewayMetrics.MeterName"/>): queries by transport and result,
/// addresses learned, the lookup latency (upstream answer, learning included, until the client is answered), cap
/// drops, upstream failures, and the learned addresses held.
/// </summary>
public sealed class DnsMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _queries;
    private readonly Counter<long> _learned;
    private readonly Counter<long> _capDropped;
    private readonly Counter<long> _upstreamFailures;
    private readonly Histogram<double> _lookupSeconds;

    /// <summary>Creates the instruments; <paramref name="held"/> reads how many learned addresses are live.</summary>
    public DnsMetrics(IMeterFactory meters, Func<int> held)
    {
        ArgumentNullException.ThrowIfNull(meters);
        ArgumentNullException.ThrowIfNull(held);
        _meter = meters.Create(GatewayMetrics.MeterName);
        _queries = _meter.CreateCounter<long>("outputguard_dns_queries", description: "DNS queries the proxy received, by transport (udp, tcp) and result (answered, learned, refused, upstream_failed, learn_failed, malformed).");
        _learned = _meter.CreateCounter<long>("outputguard_dns_learned", description: "Addresses newly learned from answers to allowed names (added to the learned sets).");
        _capDropped = _meter.CreateCounter<long>("outputguard_dns_cap_dropped", description: "Answered addresses not learned because their entry's cap was reached.");
        _upstreamFailures = _meter.CreateCounter<long>("outputguard_dns_upstream_failures", description: "Upstream resolvers that did not answer in time or answered garbage, by upstream.");
        _lookupSeconds = _meter.CreateHistogram(
            "outputguard_dns_lookup_duration_seconds",
            unit: null,
            description: "From a query's arrival to the answer sent back: upstream lookup, learning (a kernel batch) included.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _meter.CreateObservableGauge("outputguard_dns_learned_addresses", () => held(), description: "Learned addresses held now (per entry and address, until TTL + grace).");
    }

    /// <summary>Counts a query and its result; records its latency when <paramref name="seconds"/> is given.</summary>
    public void Query(string transport, string result, double? seconds = null)
    {
        _queries.Add(1, new("transport", transport), new("result", result));
        if (seconds is { } s)
        {
            _lookupSeconds.Record(s, new KeyValuePair<string, object?>("transport", transport));
        }
    }

    /// <summary>Counts newly learned addresses and cap drops.</summary>
    public void Learned(int added, int dropped)
    {
        if (added > 0)
        {
            _learned.Add(added);
        }

        if (dropped > 0)
        {
            _capDropped.Add(dropped);
        }
    }

    /// <summary>Counts an upstream that failed.</summary>
    public void UpstreamFailed(string upstream) => _upstreamFailures.Add(1, new KeyValuePair<string, object?>("upstream", upstream));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
