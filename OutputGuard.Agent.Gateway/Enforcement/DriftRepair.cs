using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Hosting;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;
using Polly;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// Keeps the table what the gateway applied. It follows the nf_tables events of its namespace (NFNLGRP_NFTABLES):
/// a change by anyone else to the table — the table deleted or switched off (<c>flush ruleset</c>, <c>nft delete
/// table</c>), a chain's policy, a rule inserted, an element added to or removed from a set — is verified and undone
/// in one batch, logged at warning with what was found, and counted. A timer checks the ruleset generation
/// (NFT_MSG_GETGEN) as a safety net for events that never arrived, and a lost-events notice (ENOBUFS) makes it
/// verify everything. While a repair fails, <c>/healthz</c> says so.
/// </summary>
public sealed class DriftRepair : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(30);
    private static readonly TimeSpan MaxGather = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Short retries (100 ms doubling to 250 ms): the table may come back any moment (another owner's socket closes),
    /// and then it must be repaired within a second, even on a busy host where the repair itself takes hundreds of
    /// milliseconds. A failed attempt is one refused netlink request: four a second cost nothing.
    /// </summary>
    private static readonly Backoff Retry = new(DelayBackoffType.Exponential, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(250));

    /// <summary>More element events than this for one set, and the set is read whole instead.</summary>
    private const int MaxTrackedElements = 10_000;

    /// <summary>The allow-sets whose changed elements can be checked from the events alone.</summary>
    private static readonly HashSet<string> ByElement = TableLayout.Families
        .SelectMany(f => f.AppliedSets)
        .Where(AllowListEnforcer.CanCheckByElement)
        .Select(s => s.Name)
        .ToHashSet(StringComparer.Ordinal);
    private readonly AllowListEnforcer _enforcer;
    private readonly GatewayStatus _status;
    private readonly ILogger<DriftRepair> _logger;
    private readonly TimeSpan _interval;
    private readonly RetryLoop _retry;
    private uint _generation;

    /// <summary>Creates the service.</summary>
    public DriftRepair(AllowListEnforcer enforcer, GatewayStatus status, GatewayOptions options, TimeProvider time, ILogger<DriftRepair> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _enforcer = enforcer ?? throw new ArgumentNullException(nameof(enforcer));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _interval = TimeSpan.FromMilliseconds(Math.Max(100, options.DriftVerifyIntervalMs));
        _retry = new RetryLoop(Retry, time, OnFailed, ex => ex is NetlinkException or NetlinkFormatException or ChannelClosedException);
        _enforcer.Repaired += OnRepaired;
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _enforcer.Repaired -= OnRepaired;
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await _retry.RunAsync(run => FollowAsync(run, run.CancellationToken), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Subscribes, verifies what the subscription could not see, then repairs what each event shows, until it fails.</summary>
    private async ValueTask FollowAsync(RetryRun run, CancellationToken stoppingToken)
    {
        using var events = _enforcer.Subscribe();
        _generation = _enforcer.Generation();

        // Between the enforcer's last commit and the subscription nothing is watched: when the generation moved
        // in between, verify everything; else the structure (its sets were just read or written).
        Verify(_generation == _enforcer.KnownGeneration ? DriftScope.Structure : DriftScope.Everything, Stopwatch.GetTimestamp());
        run.Healthy();
        while (!stoppingToken.IsCancellationRequested)
        {
            var (scope, since) = await NextAsync(events, stoppingToken);
            Verify(scope, since);
        }
    }

    private void OnFailed(RetryFailure failure)
    {
        var message = failure.Exception!.Message;
        _status.SetTableProblem($"the table could not be verified or repaired: {message}");
        Log.RepairFailed(_logger, message);
    }

    private void Verify(DriftScope scope, long since)
    {
        var report = _enforcer.Repair(scope);
        if (report.Drifted)
        {
            Log.DriftFound(_logger, string.Join("; ", report.Findings), Stopwatch.GetElapsedTime(since).TotalMilliseconds);
        }

        _status.SetTableProblem(null);
    }

    private void OnRepaired(DriftReport report) => _status.CountDriftRepair();

    private static DriftScope Scope(bool all, HashSet<string> sets, Dictionary<string, List<(NftSetElement Element, bool Added)>> changes) =>
        all ? DriftScope.Everything : new DriftScope(false, sets)
        {
            Changes = changes.Where(c => !sets.Contains(c.Key)).ToDictionary(c => c.Key, c => (IReadOnlyList<(NftSetElement, bool)>)c.Value, StringComparer.Ordinal),
        };

    /// <summary>
    /// Waits for a change by someone else to the table (then gathers the rest of its transaction), for lost
    /// events, or for the timer to find the generation moved without an event; returns what to verify.
    /// </summary>
    private async Task<(DriftScope Scope, long Since)> NextAsync(NetlinkSubscription<NftEvent> events, CancellationToken ct)
    {
        var own = _enforcer.PortId;
        var sets = new HashSet<string>(StringComparer.Ordinal);
        var changes = new Dictionary<string, List<(NftSetElement Element, bool Added)>>(StringComparer.Ordinal);
        var all = false;
        var pending = false;
        long since = 0;
        while (true)
        {
            var wait = pending
                ? TimeSpan.FromTicks(Math.Min(Quiet.Ticks, Math.Max(0, (MaxGather - Stopwatch.GetElapsedTime(since)).Ticks)))
                : _interval;
            NftEvent? e;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                timeout.CancelAfter(wait);
                try
                {
                    e = await events.ReadAsync(timeout.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    e = null;
                }
            }

            if (e is null)
            {
                if (pending)
                {
                    return (Scope(all, sets, changes), since);
                }

                // The safety net: a generation that moved without an event we saw. Right after a commit of our own its
                // event may still be on its way: look again at the next tick.
                var generation = _enforcer.Generation();
                if (generation != _generation && Stopwatch.GetElapsedTime(_enforcer.LastCommit) > TimeSpan.FromSeconds(1))
                {
                    _generation = generation;
                    return (DriftScope.Everything, Stopwatch.GetTimestamp());
                }

                continue;
            }

            if (e.Kind == NftEventKind.Generation)
            {
                _generation = e.Generation ?? _generation;
                if (pending && e.PortId != own)
                {
                    // The end of the transaction that touched the table: verify now.
                    return (Scope(all, sets, changes), since);
                }

                continue;
            }

            var ours = e.Kind == NftEventKind.Lost
                || (e.PortId != own && e.Family == NftFamily.Inet && e.Table == TableLayout.TableName);
            if (!ours)
            {
                continue;
            }

            if (!pending)
            {
                pending = true;
                since = Stopwatch.GetTimestamp();
            }

            if (e.Kind == NftEventKind.Lost)
            {
                // Anything may have changed. (A table event needs no set read: a recreated table's sets are refilled whole.)
                all = true;
            }
            else if (e.Kind == NftEventKind.Elements && e.Name is { } changed && e.Elements.Count > 0 && ByElement.Contains(changed))
            {
                var list = changes.TryGetValue(changed, out var l) ? l : changes[changed] = [];
                if (list.Count + e.Elements.Count > MaxTrackedElements)
                {
                    sets.Add(changed);
                }
                else
                {
                    list.AddRange(e.Elements.Select(x => (x, !e.Deleted)));
                }
            }
            else if (e.Kind is NftEventKind.Elements or NftEventKind.Set && e.Name is { } name)
            {
                sets.Add(name);
            }
        }
    }
}
