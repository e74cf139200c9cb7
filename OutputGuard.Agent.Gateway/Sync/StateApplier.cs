using System.Diagnostics;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Applies what the control plane sends — a snapshot or a delta, each in one kernel batch — to the shared
/// <see cref="AgentState"/>, sets malformed destinations aside (refused, logged, counted, never applied), and keeps
/// the state file up to date in the background (coalesced, at most one write a second).
/// </summary>
public sealed class StateApplier : IDisposable
{
    /// <summary>Refused destinations logged one by one per message; the rest are summed up.</summary>
    private const int LoggedRefusals = 10;

    private readonly AllowListEnforcer _enforcer;
    private readonly AgentState _state;
    private readonly GatewayStatus _status;
    private readonly StateFile _stateFile;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _dirty = new(0, 1);

    /// <summary>Creates the applier.</summary>
    public StateApplier(AllowListEnforcer enforcer, AgentState state, GatewayStatus status, StateFile stateFile, ILogger logger)
    {
        _enforcer = enforcer ?? throw new ArgumentNullException(nameof(enforcer));
        _state = state ?? throw new ArgumentNullException(nameof(state));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _stateFile = stateFile ?? throw new ArgumentNullException(nameof(stateFile));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Applies a whole snapshot; returns the revision to acknowledge and what was refused.</summary>
    public (long Ack, List<RefusedDestination> Refused) ApplySnapshot(long revision, string storeId, IEnumerable<Destination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var started = Stopwatch.GetTimestamp();
        var (accepted, refused) = DestinationMapper.Map(destinations);
        Report(revision, refused);
        var list = AllowList.Of(revision, accepted, storeId);
        var result = _enforcer.Apply(list);
        lock (_state.Gate)
        {
            _state.List = list;
        }

        Done(revision, "snapshot", result, started);
        return (revision, refused);
    }

    /// <summary>Applies one delta; returns the revision to acknowledge and what was refused. A gap throws (the stream resyncs).</summary>
    public (long Ack, List<RefusedDestination> Refused) ApplyDelta(Delta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var started = Stopwatch.GetTimestamp();
        ApplyResult result;
        List<RefusedDestination> refused;
        lock (_state.Gate)
        {
            var applied = _state.List.Revision;
            if (delta.Revision <= applied)
            {
                return (applied, []);
            }

            if (applied != 0 && delta.Revision != applied + 1)
            {
                Log.RevisionGap(_logger, delta.Revision, applied);
                throw new InvalidOperationException($"revision {delta.Revision} does not follow {applied}");
            }

            var (add, refusedAdd) = DestinationMapper.Map(delta.Add);
            var (remove, refusedRemove) = DestinationMapper.Map(delta.Remove);
            refused = [.. refusedAdd, .. refusedRemove];
            Report(delta.Revision, refused);
            var change = _state.List.Apply(delta.Revision, add, remove);
            try
            {
                result = _enforcer.Apply(_state.List, change);
            }
            catch
            {
                // The batch failed as a whole, so the kernel still holds the previous revision: so must the list.
                _state.List.Revert(change, applied);
                throw;
            }
        }

        Done(delta.Revision, "delta", result, started);
        return (delta.Revision, refused);
    }

    /// <summary>Writes the state file whenever it is marked dirty, at most once a second, until cancelled.</summary>
    public async Task WriteStateLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await _dirty.WaitAsync(ct);
            WriteState();

            // At most one write a second: with 100k destinations a write is a few MB, and changes come in bursts.
            await Task.Delay(1000, ct);
        }
    }

    /// <summary>Writes the state file now.</summary>
    public void WriteState()
    {
        long revision;
        string storeId;
        Addressing.Destination[] destinations;
        lock (_state.Gate)
        {
            revision = _state.List.Revision;
            storeId = _state.List.StoreId;
            destinations = [.. _state.List.All];
        }

        if (revision == 0)
        {
            // Nothing applied from a control plane (e.g. a refused file was left alone): keep whatever is on disk.
            return;
        }

        try
        {
            _stateFile.Write(revision, storeId, destinations);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StateWriteFailed(_logger, _stateFile.Path, ex.Message);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _dirty.Dispose();

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
        _status.SetRevision(revision);
        if (result.Committed)
        {
            _status.CountApply();
        }

        _status.OnApplied(elapsed.TotalSeconds, _enforcer);
        Log.Applied(_logger, revision, kind, result.Added, result.Removed, _enforcer.ElementCount, elapsed.TotalMilliseconds);
        try
        {
            // Wake the state writer; when it is already awake this write is covered by its next pass.
            _dirty.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }
}
