using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.Hosting;
using Polly;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>
/// Re-resolves every exact domain entry on a schedule (the interval, or sooner when the TTL runs out,
/// never sooner than the TTL floor; jittered so that thousands of domains spread out) while this replica
/// holds the resolver lease, and applies each lookup in one store transaction. The loop survives every
/// error (database down, DNS down): it backs off with jitter and starts again, forever.
/// </summary>
public sealed class DomainResolver(
    IControlPlaneStore store,
    IResolverLease lease,
    DnsLookup lookup,
    ChangeFeed feed,
    IOptions<ControlPlaneOptions> options,
    TimeProvider time,
    IMeterFactory meterFactory,
    ILogger<DomainResolver> logger) : BackgroundService
{
    /// <summary>The audit actor of scheduled lookups.</summary>
    public const string Actor = "resolver";

    /// <summary>After a failed round: from 1 s, doubling, up to 10 s, each between half and one and a half times that.</summary>
    private static readonly Backoff LoopBackoff = new(DelayBackoffType.Exponential, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0.5, 1.5);
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private readonly ControlPlaneOptions _options = options.Value;
    private readonly ConcurrentQueue<(long Id, string Domain)> _wakeups = new();
    private readonly WakeSignal _wake = new();
    private readonly ResolverStats _stats = new(meterFactory);
    private int _leading;

    /// <summary>Whether this replica runs the resolver now.</summary>
    public bool IsLeading => Volatile.Read(ref _leading) == 1;

    /// <summary>Counters of this replica's resolver.</summary>
    public ResolverStats Stats => _stats;

    private TimeSpan Interval => TimeSpan.FromSeconds(_options.ResolverIntervalSeconds);

    private TimeSpan Floor => TimeSpan.FromSeconds(_options.ResolverTtlFloorSeconds);

    /// <summary>Whether the resolver resolves <paramref name="entry"/> (exact domains; wildcards are skipped).</summary>
    public static bool Resolves(Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == EntryKind.Domain && !entry.Value.StartsWith("*.", StringComparison.Ordinal);
    }

    /// <summary>Asks the loop to resolve a new domain entry at once (if this replica leads; otherwise the leader finds it).</summary>
    public void Enqueue(Entry entry)
    {
        if (IsLeading && Resolves(entry))
        {
            _wakeups.Enqueue((entry.Id, entry.Value));
            Wake();
        }
    }

    /// <summary>Resolves one domain entry now and applies the answer; <paramref name="actor"/> is named in the audit log.</summary>
    public async Task<ResolutionChange> ResolveNowAsync(Entry entry, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var (change, _) = await ResolveAsync(entry.Id, entry.Value, actor, cancellationToken);
        return change;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        var retry = new RetryLoop(LoopBackoff, time, failure =>
        {
            _stats.CountLoopFailure();
            if (!failing)
            {
                ResolverLog.LoopFailing(logger, failure.Exception!, failure.Delay);
                failing = true;
            }
        });
        try
        {
            await retry.RunAsync(
                async run =>
                {
                    while (true)
                    {
                        try
                        {
                            await LeadAsync(
                                () =>
                                {
                                    if (failing)
                                    {
                                        ResolverLog.LoopRecovered(logger);
                                        failing = false;
                                    }

                                    run.Healthy();
                                },
                                run.CancellationToken);
                        }
                        catch (OperationCanceledException) when (!run.CancellationToken.IsCancellationRequested)
                        {
                            ResolverLog.LeadershipLost(logger);
                        }
                    }
                },
                stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits for the lease, then runs the schedule while it is held.</summary>
    private async Task LeadAsync(Action healthy, CancellationToken stoppingToken)
    {
        await using var leadership = await lease.AcquireAsync(stoppingToken);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, leadership.Lost);
        Volatile.Write(ref _leading, 1);
        try
        {
            await RunScheduleAsync(healthy, linked.Token);
        }
        finally
        {
            Volatile.Write(ref _leading, 0);
            _stats.SetSchedule(0, 0, TimeSpan.Zero);
        }
    }

    private async Task RunScheduleAsync(Action healthy, CancellationToken cancellationToken)
    {
        var schedule = new ResolverSchedule();
        var now = time.GetUtcNow();
        await RefreshAsync(schedule, full: true, now, cancellationToken);
        ResolverLog.Leading(logger, schedule.Count, string.Join(", ", lookup.Servers));
        var lastFull = now;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            now = time.GetUtcNow();
            var full = now - lastFull >= Interval;
            await RefreshAsync(schedule, full, now, cancellationToken);
            if (full)
            {
                lastFull = now;
            }

            while (_wakeups.TryDequeue(out var w))
            {
                schedule.Set(w.Id, w.Domain, now, schedule.FailuresOf(w.Id));
            }

            _stats.SetSchedule(schedule.Count, schedule.Failing, schedule.NextDue is { } first ? now - first : TimeSpan.Zero);
            var due = schedule.TakeDue(now, _options.ResolverConcurrency * 4);
            if (due.Count > 0)
            {
                await ResolveBatchAsync(schedule, due, cancellationToken);
                healthy();
                continue;
            }

            healthy();
            var wait = schedule.NextDue is { } next ? next - time.GetUtcNow() : Tick;
            wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Tick ? Tick : wait;
            await _wake.WaitAsync(wait, cancellationToken);
        }
    }

    /// <summary>
    /// Resolves the due entries in parallel and schedules each again. An entry whose write fails is
    /// retried later like a failed lookup, so one bad entry cannot stall the others; when every write of
    /// the batch fails (the database is down), the error ends the round and the loop backs off.
    /// </summary>
    private async Task ResolveBatchAsync(ResolverSchedule schedule, List<(long EntryId, string Domain)> due, CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<(long Id, string Domain, ResolutionChange? Change, LookupResult? Lookup, Exception? Error)>();
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = _options.ResolverConcurrency, CancellationToken = cancellationToken },
            async (item, ct) =>
            {
                try
                {
                    var (change, result) = await ResolveAsync(item.EntryId, item.Domain, Actor, ct);
                    results.Add((item.EntryId, item.Domain, change, result, null));
                }
                catch (Exception e) when (!ct.IsCancellationRequested)
                {
                    results.Add((item.EntryId, item.Domain, null, null, e));
                }
            });
        var errors = results.Where(r => r.Error is not null).ToList();
        if (errors.Count == results.Count)
        {
            throw errors[0].Error!;
        }

        var after = time.GetUtcNow();
        foreach (var r in results)
        {
            if (r.Error is not null)
            {
                ResolverLog.WriteFailed(logger, r.Error, r.Id, r.Domain);
                var failed = schedule.FailuresOf(r.Id) + 1;
                schedule.Set(r.Id, r.Domain, after + NextDelay(null, failed), failed);
            }
            else if (!r.Change!.EntryExists)
            {
                schedule.Remove(r.Id);
            }
            else
            {
                var failures = r.Lookup!.Outcome == LookupOutcome.Answered ? 0 : schedule.FailuresOf(r.Id) + 1;
                schedule.Set(r.Id, r.Domain, after + NextDelay(r.Lookup, failures), failures);
            }
        }
    }

    /// <summary>
    /// Adds new domain entries and, on a full read, forgets deleted ones. New entries are due now, except
    /// at the first read after taking the lease: those were resolved by the previous leader, and are spread
    /// over 20 ms per domain (at least 10 s, at most the interval) so that thousands do not fire at once.
    /// </summary>
    private async Task RefreshAsync(ResolverSchedule schedule, bool full, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var first = schedule.Count == 0 && full;
        var seen = full ? new HashSet<long>() : null;
        var fresh = new List<Entry>();
        var after = full ? 0 : schedule.MaxId;
        var filter = new EntryFilter(Kind: EntryKind.Domain);
        while (true)
        {
            var page = await store.ListEntriesAsync(filter, after, 1000, cancellationToken);
            foreach (var entry in page.Where(Resolves))
            {
                seen?.Add(entry.Id);
                if (!schedule.Contains(entry.Id))
                {
                    fresh.Add(entry);
                }
            }

            if (page.Count < 1000)
            {
                break;
            }

            after = page[^1].Id;
        }

        var spread = first
            ? TimeSpan.FromMilliseconds(Math.Min(Math.Max(fresh.Count * 20.0, 10_000), Interval.TotalMilliseconds))
            : TimeSpan.Zero;
        foreach (var entry in fresh)
        {
            schedule.Set(entry.Id, entry.Value, now + (spread * Random.Shared.NextDouble()));
        }

        if (seen is not null)
        {
            schedule.RemoveAllExcept(seen);
        }
    }

    private async Task<(ResolutionChange Change, LookupResult Lookup)> ResolveAsync(long entryId, string domain, string actor, CancellationToken cancellationToken)
    {
        LookupResult result;
        try
        {
            result = await lookup.LookupAsync(domain, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = LookupResult.Failure($"lookup error: {e.Message}");
        }

        _stats.CountLookup(result.Outcome);
        var policy = new ResolutionPolicy(TimeSpan.FromSeconds(_options.ResolverGracePeriodSeconds), _options.ResolverMaxAddresses, actor);
        var change = await store.ApplyResolutionAsync(entryId, result, policy, cancellationToken);
        if (change.RevisionChanged)
        {
            _stats.CountRevision();
            feed.Notify();
            ResolverLog.Changed(logger, entryId, domain, change.Revision, change.Added.Count, change.Removed.Count);
        }

        var failing = result.Outcome != LookupOutcome.Answered;
        if (change.EntryExists && !string.Equals(change.PreviousError, result.Error, StringComparison.Ordinal))
        {
            if (failing)
            {
                ResolverLog.LookupFailing(logger, entryId, domain, result.Error);
            }
            else if (result.PartialTypes.Count > 0)
            {
                ResolverLog.LookupPartial(logger, entryId, domain, string.Join(" and ", result.PartialTypes), result.Error);
            }
            else if (change.PreviousError.Length > 0 && result.Error.Length == 0)
            {
                ResolverLog.LookupRecovered(logger, entryId, domain);
            }
        }

        return (change, result);
    }

    /// <summary>
    /// The interval, or the smallest TTL when it runs out first, never below the floor; after a failure
    /// the floor doubled per failure in a row, up to the interval. Jittered down by up to 10 %.
    /// </summary>
    private TimeSpan NextDelay(LookupResult? result, int failures)
    {
        TimeSpan delay;
        if (failures > 0)
        {
            delay = Floor * Math.Pow(2, Math.Min(failures - 1, 16));
        }
        else
        {
            delay = result?.MinTtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : Interval;
        }

        delay = delay < Floor ? Floor : delay > Interval ? Interval : delay;
        return delay * (0.9 + (0.1 * Random.Shared.NextDouble()));
    }

    private void Wake() => _wake.Wake();
}
