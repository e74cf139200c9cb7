using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Dns;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>The counter reading's parts as the options configure them.</summary>
public static class CounterReading
{
    /// <summary>
    /// The series chooser: <c>metrics_destinations</c> busiest, chosen again every <c>metrics_rechoose_ms</c>; entries of
    /// learned addresses from <paramref name="learner"/> (none without a DNS proxy) named by <paramref name="policy"/>;
    /// entries of published destinations as the control plane named them in <paramref name="state"/>.
    /// </summary>
    public static CounterSeries Series(GatewayOptions options, DomainPolicy policy, DnsLearner? learner, AppliedState? state = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policy);
        return new CounterSeries(
            options.MetricsDestinations,
            TimeSpan.FromMilliseconds(options.MetricsRechooseMs),
            learner is null ? null : () => LearnedEntries.Map(learner.Live(), policy.Rules),
            state is null ? null : state.EntryLabels);
    }

    /// <summary>The series one bounded metric may have: OUTPUT and INPUT per exported key and for <c>other</c>, and a margin.</summary>
    public static int SeriesPerMetric(GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return (2 * (options.MetricsDestinations + 1)) + 16;
    }
}
