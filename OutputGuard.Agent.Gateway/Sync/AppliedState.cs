using Microsoft.Extensions.Logging;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Hosting;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// What the gateway has applied, in one place under one lock: the <see cref="AllowList"/> (revision, store id,
/// destinations) and the kernel's allow-sets, which the enforcer changes only from here, so the list, the table's
/// marker and the revision the metrics show move together. Read by the sync stream (its Hello), the state-file writer
/// (woken by <see cref="Changed"/>) and <c>/healthz</c>.
/// </summary>
public sealed class AppliedState
{
    private readonly Lock _gate = new();
    private readonly AllowListEnforcer _enforcer;
    private readonly GatewayStatus _status;
    private readonly ILogger<AppliedState> _logger;
    private AllowList _list = AllowList.Of(0, []);
    private EntryNames _names = new();

    /// <summary>Creates the state over the enforcer that holds the kernel's table.</summary>
    public AppliedState(AllowListEnforcer enforcer, GatewayStatus status, ILogger<AppliedState> logger)
    {
        _enforcer = enforcer ?? throw new ArgumentNullException(nameof(enforcer));
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Woken after every snapshot or delta the control plane sent was applied.</summary>
    public WakeSignal Changed { get; } = new();

    /// <summary>The revision and store id applied (0 and empty before anything was).</summary>
    public (long Revision, string StoreId) Applied
    {
        get
        {
            lock (_gate)
            {
                return (_list.Revision, _list.StoreId);
            }
        }
    }

    /// <summary>The allow entries the kernel's outbound sets hold.</summary>
    public int ElementCount => _enforcer.ElementCount;

    /// <summary>The marker the table carried when the enforcer adopted it; null when it was new or had none.</summary>
    public TableMarker? AdoptedMarker => _enforcer.AdoptedMarker;

    /// <summary>A copy of what is applied, for the state file (compact: its hosts as numbers, like the list's).</summary>
    public AllowList Copy()
    {
        lock (_gate)
        {
            return _list.Clone();
        }
    }

    /// <summary>A copy of the entry names of the applied destinations, for the state file.</summary>
    public List<KeyValuePair<Destination, EntryNameSet>> CopyNames()
    {
        lock (_gate)
        {
            return [.. _names.All];
        }
    }

    /// <summary>The entries of the applied destinations by prefix, for the per-entry series (built again only after a change).</summary>
    public IReadOnlyDictionary<IpPrefix, EntryNameSet> EntryLabels()
    {
        lock (_gate)
        {
            return _names.ByPrefix();
        }
    }

    /// <summary>Enforces a saved state at start (it does not wake <see cref="Changed"/>: the file already holds it), with its entry names.</summary>
    public void Restore(AllowList saved, EntryNames? names = null)
    {
        ArgumentNullException.ThrowIfNull(saved);
        lock (_gate)
        {
            _enforcer.Apply(saved);
            _list = saved;
            _names = names ?? new EntryNames();
            _status.SetRevision(saved.Revision);
        }
    }

    /// <summary>
    /// Makes the kernel hold exactly <paramref name="list"/> (a snapshot) and records it as applied, with the entry names
    /// the snapshot carried (null: none, as from a control plane that sends no names).
    /// </summary>
    public ApplyResult Replace(AllowList list, EntryNames? names = null)
    {
        ArgumentNullException.ThrowIfNull(list);
        ApplyResult result;
        lock (_gate)
        {
            result = _enforcer.Apply(list);
            _list = list;
            _names = names ?? new EntryNames();
            _status.SetRevision(list.Revision);
        }

        Changed.Wake();
        return result;
    }

    /// <summary>
    /// Applies the delta of <paramref name="revision"/>, whose destinations <paramref name="changes"/> gives (called only
    /// when the delta is applied); null when the revision is at or below the applied one (ignored). A revision that does
    /// not follow the applied one throws (the stream resyncs); a failed kernel batch leaves the list at the revision before.
    /// After the kernel batch, <paramref name="rename"/> changes the entry names (given whether the list holds a
    /// destination), so names are only ever kept for destinations the list holds.
    /// </summary>
    public ApplyResult? Apply(
        long revision,
        Func<(IReadOnlyCollection<Destination> Add, IReadOnlyCollection<Destination> Remove)> changes,
        Action<EntryNames, Func<Destination, bool>>? rename = null)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ApplyResult result;
        lock (_gate)
        {
            var applied = _list.Revision;
            if (revision <= applied)
            {
                return null;
            }

            if (applied != 0 && revision != applied + 1)
            {
                Log.RevisionGap(_logger, revision, applied);
                throw new InvalidOperationException($"revision {revision} does not follow {applied}");
            }

            var (add, remove) = changes();
            var change = _list.Apply(revision, add, remove);
            try
            {
                result = _enforcer.Apply(_list, change);
            }
            catch
            {
                // The batch failed as a whole, so the kernel still holds the previous revision: so must the list.
                _list.Revert(change, applied);
                throw;
            }

            rename?.Invoke(_names, Holds);

            _status.SetRevision(revision);
        }

        Changed.Wake();
        return result;
    }

    private bool Holds(Destination d) => EntryNames.InList(_list, d);
}
