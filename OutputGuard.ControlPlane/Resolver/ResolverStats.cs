using System.Diagnostics.Metrics;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>
/// Counters of one replica's resolver (since start), also published as instruments of the meter
/// <see cref="MeterName"/> (<c>outputguard_resolver_lookups{outcome}</c>, <c>outputguard_resolver_revisions</c>,
/// <c>outputguard_resolver_loop_failures</c>), with gauges of its schedule (<c>outputguard_resolver_scheduled</c>,
/// <c>outputguard_resolver_failing</c>, <c>outputguard_resolver_lag_seconds</c>) for whatever metrics exporter the host wires up.
/// </summary>
public sealed class ResolverStats
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "OutputGuard.ControlPlane.Resolver";

    private readonly Counter<long>? _lookups;
    private readonly Counter<long>? _revisions;
    private readonly Counter<long>? _loopFailures;
    private long _answered;
    private long _nxDomain;
    private long _failed;
    private long _revisionCount;
    private long _loopFailureCount;
    private int _scheduled;
    private int _failing;
    private long _lagMilliseconds;

    /// <summary>Creates the counters; with <paramref name="meterFactory"/> they are also published as instruments.</summary>
    public ResolverStats(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            return;
        }

        var meter = meterFactory.Create(MeterName);
        _lookups = meter.CreateCounter<long>("outputguard_resolver_lookups", description: "Domain lookups, by outcome (answered, nxdomain, failed)");
        _revisions = meter.CreateCounter<long>("outputguard_resolver_revisions", description: "Desired-state revisions made by the resolver");
        _loopFailures = meter.CreateCounter<long>("outputguard_resolver_loop_failures", description: "Times the resolver loop failed and backed off");
        meter.CreateObservableGauge("outputguard_resolver_scheduled", () => Scheduled,
            description: "Domain entries on this replica's resolver schedule (0 when another replica resolves)");
        meter.CreateObservableGauge("outputguard_resolver_failing", () => Failing,
            description: "Scheduled domain entries whose last lookup failed or got NXDOMAIN, retried with a doubling delay");
        meter.CreateObservableGauge("outputguard_resolver_lag_seconds", () => LagSeconds,
            description: "How long the most overdue lookup has waited past its due time (0 when the resolver keeps up)");
    }

    /// <summary>Domain entries on the schedule now.</summary>
    public int Scheduled => Volatile.Read(ref _scheduled);

    /// <summary>Scheduled entries whose last lookup failed.</summary>
    public int Failing => Volatile.Read(ref _failing);

    /// <summary>How long the most overdue lookup has waited past its due time, in seconds.</summary>
    public double LagSeconds => Interlocked.Read(ref _lagMilliseconds) / 1000.0;

    /// <summary>Records the schedule's size, failing entries and lag (the resolver loop calls it every round).</summary>
    public void SetSchedule(int scheduled, int failing, TimeSpan lag)
    {
        Volatile.Write(ref _scheduled, scheduled);
        Volatile.Write(ref _failing, failing);
        Interlocked.Exchange(ref _lagMilliseconds, lag > TimeSpan.Zero ? (long)lag.TotalMilliseconds : 0);
    }

    /// <summary>Lookups that got addresses or no data.</summary>
    public long Answered => Interlocked.Read(ref _answered);

    /// <summary>Lookups that got NXDOMAIN.</summary>
    public long NxDomain => Interlocked.Read(ref _nxDomain);

    /// <summary>Lookups that failed (timeout, SERVFAIL, network error).</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Revisions the resolver made.</summary>
    public long Revisions => Interlocked.Read(ref _revisionCount);

    /// <summary>Times the loop failed (database or other errors) and backed off.</summary>
    public long LoopFailures => Interlocked.Read(ref _loopFailureCount);

    /// <summary>Counts a lookup.</summary>
    public void CountLookup(LookupOutcome outcome)
    {
        switch (outcome)
        {
            case LookupOutcome.Answered:
                Interlocked.Increment(ref _answered);
                break;
            case LookupOutcome.NxDomain:
                Interlocked.Increment(ref _nxDomain);
                break;
            default:
                Interlocked.Increment(ref _failed);
                break;
        }

        _lookups?.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()));
    }

    /// <summary>Counts a revision the resolver made.</summary>
    public void CountRevision()
    {
        Interlocked.Increment(ref _revisionCount);
        _revisions?.Add(1);
    }

    /// <summary>Counts a failed round of the loop.</summary>
    public void CountLoopFailure()
    {
        Interlocked.Increment(ref _loopFailureCount);
        _loopFailures?.Add(1);
    }
}
