using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Hosting;
using OutputGuard.ControlPlane.Store;
using OutputGuard.Hosting;
using Polly;
using V1 = OutputGuard.V1;

namespace OutputGuard.ControlPlane.Traffic;

/// <summary>
/// Writes the gateways' traffic reports in the background, so that no report flood can delay an entry change:
/// each gateway has one pending slot (a newer report replaces one not yet written: the latest wins, memory is
/// one report per gateway), reports are written one at a time in small chunks, at most
/// <see cref="ControlPlaneOptions.TrafficWriteRowsPerSecond"/> rows per second, and a report that is not
/// believable next to the gateway's stored one (<see cref="TrafficCheck"/>) is refused and logged.
/// </summary>
public sealed partial class TrafficWriter : BackgroundService
{
    private static readonly TimeSpan ResetCandidateLifetime = TimeSpan.FromMinutes(10);
    private static readonly Backoff AfterFailure = new(DelayBackoffType.Constant, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    private readonly IControlPlaneStore _store;
    private readonly ControlPlaneOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TrafficWriter> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (V1.TrafficReport Report, DateTimeOffset ReceivedAt)> _pending = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();
    private readonly WakeSignal _wake = new();
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly RowBudget _admission;
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, Dictionary<string, TrafficCounters> Rows)> _resetCandidates = new(StringComparer.Ordinal);
    private readonly Counter<long> _written;
    private readonly Counter<long> _coalesced;
    private readonly Counter<long> _refused;
    private long _writtenCount;
    private long _coalescedCount;
    private long _refusedCount;

    /// <summary>Creates the writer; its counters join the control plane's meter.</summary>
    public TrafficWriter(IControlPlaneStore store, IOptions<ControlPlaneOptions> options, TimeProvider time, IMeterFactory meters, ILogger<TrafficWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(meters);
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _admission = new RowBudget(2.0 * _options.TrafficWriteRowsPerSecond, TrafficReports.MaxDestinations + TrafficReports.MaxDenied, time);
        var meter = meters.Create(ControlPlaneMetrics.MeterName);
        _written = meter.CreateCounter<long>("outputguard_traffic_reports_written", description: "Gateway traffic reports written to the store");
        _coalesced = meter.CreateCounter<long>("outputguard_traffic_reports_coalesced", description: "Gateway traffic reports replaced by a newer one before they were written");
        _refused = meter.CreateCounter<long>("outputguard_traffic_reports_refused", description: "Gateway traffic reports refused: counters went backwards or grew faster than a link carries");
    }

    /// <summary>Reports written since start.</summary>
    public long ReportsWritten => Interlocked.Read(ref _writtenCount);

    /// <summary>Reports replaced by a newer one of the same gateway before they were written.</summary>
    public long ReportsCoalesced => Interlocked.Read(ref _coalescedCount);

    /// <summary>Reports refused as not believable.</summary>
    public long ReportsRefused => Interlocked.Read(ref _refusedCount);

    /// <summary>Reports waiting to be written (at most one per gateway).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="report"/> fits the rate at which reports are read: twice the write rate, so that a
    /// writer that falls behind coalesces reports while a flood of them costs bounded parsing. The sync stream is not
    /// read meanwhile, so a flooding gateway is slowed by its own flow control; an agent's usual report passes at once.
    /// </summary>
    public Task AdmitAsync(V1.TrafficReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return _admission.TakeAsync(report.Destinations.Count + report.Denied.Count, cancellationToken);
    }

    /// <summary>Takes a gateway's report; it replaces the gateway's report that is still waiting, if any. Never blocks on the store.</summary>
    public void Submit(string gatewayId, V1.TrafficReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_lock)
        {
            if (_pending.ContainsKey(gatewayId))
            {
                _coalesced.Add(1);
                Interlocked.Increment(ref _coalescedCount);
            }
            else
            {
                _order.Enqueue(gatewayId);
            }

            _pending[gatewayId] = (report, _time.GetUtcNow());
        }

        _wake.Wake();
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _writing.Dispose();
        base.Dispose();
    }

    /// <summary>Writes every waiting report now (tests; the background loop does the same).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            while (TryTake(out var gatewayId, out var report, out var receivedAt))
            {
                await WriteAsync(gatewayId, report, receivedAt, cancellationToken);
            }
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A report that cannot be written is logged and dropped (the next one replaces it anyway); the writer rests a second.
        var retry = new RetryLoop(AfterFailure, _time, failure => LogWriteFailed(_logger, failure.Exception!));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await retry.RunAsync(
                    async run =>
                    {
                        await _wake.WaitAsync(run.CancellationToken);
                        await FlushAsync(run.CancellationToken);
                    },
                    stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private bool TryTake(out string gatewayId, out V1.TrafficReport report, out DateTimeOffset receivedAt)
    {
        lock (_lock)
        {
            while (_order.TryDequeue(out gatewayId!))
            {
                if (_pending.Remove(gatewayId, out var pending))
                {
                    (report, receivedAt) = pending;
                    return true;
                }
            }
        }

        report = null!;
        receivedAt = default;
        return false;
    }

    private async Task WriteAsync(string gatewayId, V1.TrafficReport report, DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var (destinations, denied) = TrafficReports.Read(report, receivedAt);
        var previous = await _store.GetTrafficBaselineAsync(gatewayId, cancellationToken);
        ForgetOldResetCandidates(receivedAt);
        var candidates = _resetCandidates.TryGetValue(gatewayId, out var c) ? c.Rows : null;
        var refusal = TrafficCheck.Refusal(previous, destinations, receivedAt, _options.TrafficLinkCapacityBitsPerSecond, candidates, out var wentBackwards);
        if (refusal is not null)
        {
            _refused.Add(1);
            Interlocked.Increment(ref _refusedCount);
            LogRefused(_logger, gatewayId, refusal);
            if (wentBackwards.Count > 0)
            {
                _resetCandidates[gatewayId] = (receivedAt, wentBackwards);
            }

            return;
        }

        _resetCandidates.TryRemove(gatewayId, out _);
        var rowsPerSecond = (double)_options.TrafficWriteRowsPerSecond;
        await _store.ReplaceTrafficAsync(
            gatewayId,
            receivedAt,
            destinations,
            denied,
            previous,
            async (rows, took, ct) =>
            {
                // Pace the chunks: the store's writers take turns between them, and the rate bounds the load a flood causes.
                var owed = TimeSpan.FromSeconds(rows / rowsPerSecond) - took;
                if (owed > TimeSpan.Zero)
                {
                    await Task.Delay(owed, _time, ct);
                }
                else
                {
                    await Task.Yield();
                }
            },
            cancellationToken);
        _written.Add(1);
        Interlocked.Increment(ref _writtenCount);
    }

    private void ForgetOldResetCandidates(DateTimeOffset now)
    {
        foreach (var (gatewayId, candidate) in _resetCandidates)
        {
            if (now - candidate.At > ResetCandidateLifetime)
            {
                _resetCandidates.TryRemove(gatewayId, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Traffic report of gateway {GatewayId} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string gatewayId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A traffic report could not be written; the gateway's next report replaces it")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception);
}
