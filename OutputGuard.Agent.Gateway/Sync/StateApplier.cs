using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Turns what the control plane sends — a snapshot or a delta — into changes of the <see cref="AppliedState"/> (each
/// one kernel batch), sets malformed destinations aside (refused, logged, counted, never applied), and records each
/// apply in the metrics and the log.
/// </summary>
public sealed class StateApplier
{
    /// <summary>Refused destinations logged one by one per message; the rest are summed up.</summary>
    private const int LoggedRefusals = 10;

    private readonly AppliedState _state;
    private readonly GatewayStatus _status;
    private readonly ILogger _logger;

    /// <summary>Creates the applier.</summary>
    public StateApplier(AppliedState state, GatewayStatus status, ILogger logger)
    {
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Applies a whole snapshot; returns the revision to acknowledge and what was refused.</summary>
    public (long Ack, List<RefusedDestination> Refused) ApplySnapshot(long revision, string storeId, IEnumerable<Destination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var parts = new SnapshotParts(revision);
        parts.Add([.. destinations]);
        return ApplySnapshot(storeId, parts);
    }

    /// <summary>
    /// Applies a whole snapshot whose parts were mapped as they arrived, with the entry names its parts carried (null:
    /// none); returns the revision to acknowledge and what was refused.
    /// </summary>
    public (long Ack, List<RefusedDestination> Refused) ApplySnapshot(string storeId, SnapshotParts snapshot, EntryNames? names = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var started = Stopwatch.GetTimestamp();
        var revision = snapshot.Revision;
        Report(revision, snapshot.Refused);
        var list = snapshot.ToAllowList(storeId);
        var result = _state.Replace(list, names);
        Done(revision, "snapshot", result, started);
        return (revision, snapshot.Refused);
    }

    /// <summary>Applies one delta; returns the revision to acknowledge and what was refused. A gap throws (the stream resyncs).</summary>
    public (long Ack, List<RefusedDestination> Refused) ApplyDelta(Delta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var started = Stopwatch.GetTimestamp();
        List<RefusedDestination> refused = [];
        List<Addressing.Destination> removed = [];
        var result = _state.Apply(
            delta.Revision,
            () =>
            {
                var (add, refusedAdd) = DestinationMapper.Map(delta.Add);
                (removed, var refusedRemove) = DestinationMapper.Map(delta.Remove);
                refused = [.. refusedAdd, .. refusedRemove];
                Report(delta.Revision, refused);
                return (add, removed);
            },
            (names, holds) =>
            {
                if (names.Count > 0)
                {
                    foreach (var d in removed)
                    {
                        names.Remove(d);
                    }
                }

                names.Read(delta.Add, delta.EntryNames, holds, clearUnnamed: false);
                names.Read(delta.Renamed, delta.EntryNames, holds, clearUnnamed: true);
            });
        if (result is not { } applied)
        {
            return (_state.Applied.Revision, []);
        }

        Done(delta.Revision, "delta", applied, started);
        return (delta.Revision, refused);
    }

    private void Report(long revision, List<RefusedDestination> refused)
    {
        if (refused.Count == 0)
        {
            return;
        }

        _status.CountRefused(refused.Count);
        foreach (var r in refused.Take(LoggedRefusals))
        {
            Log.DestinationRefused(_logger, revision, r.Destination.Prefix, (int)r.Destination.Protocol, r.Destination.PortFrom, r.Destination.PortTo, r.Reason);
        }

        if (refused.Count > LoggedRefusals)
        {
            Log.MoreRefused(_logger, revision, refused.Count - LoggedRefusals);
        }
    }

    private void Done(long revision, string kind, ApplyResult result, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (result.Committed)
        {
            _status.CountApply();
        }

        _status.OnApplied(elapsed.TotalSeconds, _state.ElementCount);
        Log.Applied(_logger, revision, kind, result.Added, result.Removed, _state.ElementCount, elapsed.TotalMilliseconds);
    }
}
