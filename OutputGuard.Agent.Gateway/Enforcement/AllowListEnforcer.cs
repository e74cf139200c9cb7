using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// Owns the table <c>inet outputguard</c>: creates it (forward policy drop from the first commit), adopts what it
/// finds, and makes the allow-sets hold exactly an <see cref="AllowList"/> — each change one netlink batch, computed
/// as the difference against what the kernel holds, and no batch at all when there is no difference. What it applied
/// is its mirror; <see cref="Repair"/> puts the kernel back to the mirror when someone else changed the table.
/// </summary>
public sealed partial class AllowListEnforcer : IDisposable
{
    private readonly NftConnection _nft;
    private readonly EnforcerSettings _settings;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Dictionary<string, NftSetElement[]>> _mirror = new(StringComparer.Ordinal);
    private readonly Dictionary<AddressFamily, HostMirror> _hosts = TableLayout.Families.ToDictionary(f => f.Family, f => new HostMirror(f));
    private readonly Dictionary<AddressFamily, uint> _hostsSize = TableLayout.Families.ToDictionary(f => f.Family, _ => 0u);

    /// <summary>The families whose hosts set <see cref="Start"/> left unread: their mirrors are empty until read or made anew.</summary>
    private readonly HashSet<AddressFamily> _unread = [];
    private readonly HashSet<Destination> _reportedSkips = [];
    private readonly Lock _gate = new();
    private TableMarker _marker = TableMarker.None;
    private long _lastCommit;
    private uint _knownGeneration;
    private bool _canDestroy;

    /// <summary>Wraps a connection (in the gateway's namespace); call <see cref="Start"/> before applying.</summary>
    public AllowListEnforcer(NftConnection nft, EnforcerSettings settings, ILogger logger)
    {
        _nft = nft ?? throw new ArgumentNullException(nameof(nft));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        if (settings.HostsMaximum > FamilyLayout.SeenSize || settings.HostsSizeMinimum == 0)
        {
            throw new ArgumentException(FormattableString.Invariant(
                $"hosts per family must be at most {FamilyLayout.SeenSize} (the size of a seen set), and a hosts set's size at least 1"), nameof(settings));
        }
    }

    /// <summary>The number of allow entries the kernel's outbound sets hold.</summary>
    public int ElementCount
    {
        get
        {
            lock (_gate)
            {
                ReadDeferredHosts();
                return CountMirrors();
            }
        }
    }

    /// <summary>
    /// Whether the hosts set of a family is still unread since <see cref="Start"/> deferred it: the next snapshot makes
    /// it anew, and anything else reads it first (<see cref="AdoptHosts"/>).
    /// </summary>
    public bool HostsDeferred
    {
        get
        {
            lock (_gate)
            {
                return _unread.Count > 0;
            }
        }
    }

    /// <summary>Where the time of the last <see cref="Apply(AllowList)"/> or delta went (diff, encoding, kernel, mirror).</summary>
    public ApplyPhases LastApply { get; private set; } = ApplyPhases.None;

    /// <summary>The marker the table carried when <see cref="Start"/> adopted it; null when the table was new or had none.</summary>
    public TableMarker? AdoptedMarker { get; private set; }

    /// <summary>What the allow-sets hold now: store and revision of the last committed change.</summary>
    public TableMarker Marker
    {
        get
        {
            lock (_gate)
            {
                return _marker;
            }
        }
    }

    /// <summary>Raised (under the enforcer's lock) after every committed repair of someone else's change to the table.</summary>
    public event Action<DriftReport>? Repaired;

    /// <summary>
    /// The ruleset generation right after this enforcer's adoption or last commit: while the kernel's generation is
    /// still this one, nobody else has changed anything since.
    /// </summary>
    public uint KnownGeneration => Volatile.Read(ref _knownGeneration);

    /// <summary>When this enforcer last committed a batch (a <see cref="System.Diagnostics.Stopwatch"/> timestamp; 0: never).</summary>
    public long LastCommit => Interlocked.Read(ref _lastCommit);

    /// <summary>The netlink port of this enforcer's commits (<see cref="NftEvent.PortId"/>), to tell them from others'.</summary>
    public uint PortId => _nft.PortId;

    /// <summary>Subscribes to the events of the table in the enforcer's namespace, without those of its own commits.</summary>
    public NetlinkSubscription<NftEvent> Subscribe() => _nft.Subscribe(skipOwnChanges: true, table: TableLayout.TableName);

    /// <summary>
    /// Whether the elements of <paramref name="set"/> can be checked one by one from events (hash and concatenated
    /// sets, whose elements are whole); an interval set's ranges come as separate start and end elements.
    /// </summary>
    public static bool CanCheckByElement(NftSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return !set.Flags.HasFlag(NftSetFlags.Interval) || set.KeyType.IsConcat;
    }

    /// <summary>The ruleset generation now (NFT_MSG_GETGEN).</summary>
    public uint Generation() => _nft.GetGenerationId();

    /// <summary>Removes the table and everything in it (<c>--cleanup</c>); false when there was none.</summary>
    public static bool Cleanup(NftConnection nft)
    {
        ArgumentNullException.ThrowIfNull(nft);
        if (!nft.ListTables(NftFamily.Inet).Any(t => t.Name == TableLayout.TableName))
        {
            return false;
        }

        using var batch = nft.BeginBatch();
        batch.DeleteTable(TableLayout.Table);
        batch.Commit();
        return true;
    }

    /// <summary>
    /// Creates the table (in one batch, forward chain policy drop) or adopts the one it finds: missing sets and
    /// chains are added, rules that differ are replaced, the allow-sets are read (their counters stay).
    /// With <paramref name="deferHosts"/> (a saved state is about to be applied) the hosts sets are not read — the
    /// kernel resumes a set dump by skipping what it sent, ten seconds at a million hosts — but adopted with their
    /// size: the next snapshot makes them anew with its hosts (<see cref="Apply(AllowList)"/>), and anything else
    /// reads them first (<see cref="AdoptHosts"/>). A hosts set the layout must make anew itself (another shape, no
    /// size) is read all the same, so that it keeps its hosts.
    /// </summary>
    public void Start(bool deferHosts = false)
    {
        lock (_gate)
        {
            _canDestroy = _nft.CanDestroy;
            AdoptedMarker = ReadMarker();
            _marker = AdoptedMarker ?? TableMarker.None;
            // What the allow-sets hold now, so that a set the layout recreates in its own shape (other flags or
            // counters, as after an upgrade) keeps its elements, in the same batch.
            ReadAllowSets(deferHosts);
            var findings = new List<string>();
            using (var batch = _nft.BeginBatch())
            {
                var fresh = QueueLayout(batch, findings);
                // A deferred hosts set the layout makes anew after all (it changed since it was listed) holds what
                // its mirror holds once the batch is in: nothing.
                _unread.RemoveWhere(f => fresh.Contains(_hosts[f].Layout.Hosts.Name));
                foreach (var set in TableLayout.Families.SelectMany(f => f.AppliedSets).Where(s => fresh.Contains(s.Name)))
                {
                    Refill(batch, set);
                }

                batch.Commit();
            }

            if (findings.Count == 1 && findings[0] == TableMissing)
            {
                Log.TableCreated(_logger, TableLayout.TableName, _settings.Observe);
            }
            else if (findings.Count > 0)
            {
                Log.TableAdjusted(_logger, string.Join("; ", findings));
            }

            Committed();
            if (_unread.Count == 0)
            {
                Log.TableAdopted(_logger, TableLayout.TableName, CountMirrors());
            }
            else
            {
                Log.TableAdoptedHostsDeferred(_logger, TableLayout.TableName, CountMirrors(), UnreadNames());
            }
        }
    }

    /// <summary>
    /// Reads the hosts sets <see cref="Start"/> left unread into their mirrors (the gateway then holds what it found,
    /// as after a start that read them); nothing when there are none. Called when no saved state was applied after a
    /// deferred start, and by every use of the hosts other than a snapshot before it does its work.
    /// </summary>
    public void AdoptHosts()
    {
        lock (_gate)
        {
            ReadDeferredHosts();
        }
    }

    /// <summary>Makes the kernel hold exactly <paramref name="list"/> (a snapshot): one batch, or none when equal.</summary>
    public ApplyResult Apply(AllowList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        lock (_gate)
        {
            foreach (var f in TableLayout.Families)
            {
                RefuseAboveMaximum(f, list.Hosts.CountOf(f.Family));
            }

            return WithRepair(() =>
            {
                var timer = new ApplyTimer();
                var hosts = new List<HostDiff>();
                var diffs = new List<SetDiff>();
                foreach (var f in TableLayout.Families)
                {
                    // An unread hosts set is made anew with the list's hosts: no diff against a set never read.
                    hosts.Add(_unread.Contains(f.Family) ? RemakeHosts(f, list) : DiffHosts(f, list));
                    var nets = ElementCompiler.Nets(Allowed(list.Nets), f.Family);
                    var ports = CompilePorts(list, f.Family);
                    diffs.Add(Diff(f.Nets, nets));
                    diffs.Add(Diff(f.NetsIn, nets));
                    diffs.Add(Diff(f.Ports, ports));
                    diffs.Add(Diff(f.PortsIn, ports));
                }

                timer.Diffed();
                return Commit(hosts, diffs, list, timer);
            });
        }
    }

    /// <summary>
    /// Applies one delta that <paramref name="list"/> already reflects: hosts by the change alone, CIDR and port
    /// sets recomputed only when the change touched them. One batch, or none when the kernel already agrees.
    /// </summary>
    public ApplyResult Apply(AllowList list, AllowListChange change)
    {
        ArgumentNullException.ThrowIfNull(list);
        ArgumentNullException.ThrowIfNull(change);
        lock (_gate)
        {
            ReadDeferredHosts();
            return WithRepair(() =>
            {
                var timer = new ApplyTimer();
                var hosts = new List<HostDiff>();
                var diffs = new List<SetDiff>();
                foreach (var f in TableLayout.Families)
                {
                    hosts.Add(DiffHosts(f, list, change));

                    if (change.NetsChanged)
                    {
                        var nets = ElementCompiler.Nets(Allowed(list.Nets), f.Family);
                        diffs.Add(Diff(f.Nets, nets));
                        diffs.Add(Diff(f.NetsIn, nets));
                    }

                    if (change.PortsChanged)
                    {
                        var ports = CompilePorts(list, f.Family);
                        diffs.Add(Diff(f.Ports, ports));
                        diffs.Add(Diff(f.PortsIn, ports));
                    }
                }

                timer.Diffed();
                return Commit(hosts, diffs, list, timer);
            });
        }
    }

    /// <summary>
    /// Compares the table with what this enforcer applied — its structure always, the contents of the sets
    /// <paramref name="scope"/> names — and undoes every difference in one batch. Throws
    /// <see cref="NetlinkException"/> when the kernel refuses the repair.
    /// </summary>
    public DriftReport Repair(DriftScope scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        lock (_gate)
        {
            return RepairLocked(scope);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _nft.Dispose();

    private int CountMirrors() =>
        TableLayout.Families.Sum(f => _hosts[f.Family].Count + MirrorOf(f.Nets).Count + MirrorOf(f.Ports).Count);

    private void Committed()
    {
        Interlocked.Exchange(ref _lastCommit, System.Diagnostics.Stopwatch.GetTimestamp());
        Volatile.Write(ref _knownGeneration, _nft.GetGenerationId());
    }

    private Dictionary<string, NftSetElement[]> CompilePorts(AllowList list, AddressFamily family) =>
        ElementCompiler.Ports(Allowed(list.Ports), family);

    private IEnumerable<Destination> Allowed(IEnumerable<Destination> destinations) => destinations.Where(IsAllowed);

    /// <summary>Whether <paramref name="d"/> may be allowed (it touches no internal range); a refused one is logged once.</summary>
    private bool IsAllowed(Destination d)
    {
        if (!_settings.Internal.TryFindOverlap(d.Prefix, out var range))
        {
            return true;
        }

        if (_reportedSkips.Add(d))
        {
            Log.InternalSkipped(_logger, d.ToString(), range.ToString() ?? string.Empty);
        }

        return false;
    }

    private SetDiff Diff(NftSet set, Dictionary<string, NftSetElement[]> desired)
    {
        var mirror = MirrorOf(set);
        var add = desired.Where(d => !mirror.ContainsKey(d.Key)).ToList();
        var remove = mirror.Where(m => !desired.ContainsKey(m.Key)).ToList();
        return new SetDiff(set, add, remove);
    }

    private ApplyResult Commit(List<HostDiff> hosts, List<SetDiff> diffs, AllowList list, ApplyTimer timer)
    {
        var changes = diffs.Where(d => d.Add.Count > 0 || d.Remove.Count > 0).ToList();
        var hostChanges = hosts.Where(h => !h.IsEmpty).ToList();
        var storeChanged = list.StoreId.Length > 0 && list.StoreId != _marker.StoreId;
        if (changes.Count == 0 && hostChanges.Count == 0 && !storeChanged)
        {
            LastApply = timer.Done(0, committed: false);
            return new ApplyResult(0, 0, false);
        }

        var marker = new TableMarker(list.StoreId.Length > 0 ? list.StoreId : _marker.StoreId, list.Revision);
        var grown = Outgrown(hostChanges);
        int bytes;
        using (var batch = _nft.BeginBatch())
        {
            QueueGrowth(batch, grown);
            hostChanges = [.. hostChanges.Where(h => !grown.ContainsKey(h))];
            foreach (var h in hostChanges.Where(h => h.Remove.Count > 0))
            {
                batch.DeleteKeys(h.Mirror.Layout.Hosts, h.Remove.Keys);
                Forget(batch, h.Mirror.Layout, h.Remove.Keys);
            }

            foreach (var d in changes.Where(d => d.Remove.Count > 0))
            {
                batch.DeleteElements(d.Set, d.Remove.SelectMany(r => r.Value));
            }

            foreach (var h in hostChanges.Where(h => h.Add.Count > 0))
            {
                batch.AddKeys(h.Mirror.Layout.Hosts, h.Add.Keys);
            }

            foreach (var d in changes.Where(d => d.Add.Count > 0))
            {
                batch.AddElements(d.Set, d.Add.SelectMany(a => a.Value));
            }

            // The marker says what the sets hold, in the same transaction.
            batch.FlushChain(TableLayout.State);
            batch.AddRule(TableLayout.MarkerRule(marker));
            bytes = batch.ByteCount;
            timer.Encoded();
            batch.Commit();
        }

        timer.Sent();
        Committed();

        _marker = marker;
        foreach (var (h, size) in grown)
        {
            var family = h.Mirror.Layout;
            if (h.Remake)
            {
                Log.HostsSetRemade(_logger, family.Hosts.Name, h.Add.Count, size, h.Stale?.Count ?? 0);
                _unread.Remove(family.Family);
            }
            else
            {
                Log.HostsSetGrown(_logger, family.Hosts.Name, _hostsSize[family.Family], size, h.Mirror.Count - h.Remove.Count + h.Add.Count);
            }

            _hostsSize[family.Family] = size;
            hostChanges.Add(h);
        }

        foreach (var h in hostChanges)
        {
            h.Mirror.Apply(h.Remove.Keys, h.Add.Keys);
        }

        foreach (var d in changes)
        {
            var mirror = MirrorOf(d.Set);
            foreach (var r in d.Remove)
            {
                mirror.Remove(r.Key);
            }

            foreach (var a in d.Add)
            {
                mirror[a.Key] = a.Value;
            }
        }

        var outbound = changes.Where(c => TableLayout.Families.Any(f => f.IsOutboundAllowSet(c.Set))).ToList();
        LastApply = timer.Done(bytes, committed: true);
        return new ApplyResult(
            outbound.Sum(c => c.Add.Count) + hostChanges.Sum(h => h.Add.Count),
            outbound.Sum(c => c.Remove.Count) + hostChanges.Sum(h => h.Remove.Count),
            true);
    }

    private Dictionary<string, NftSetElement[]> MirrorOf(NftSet set) =>
        _mirror.TryGetValue(set.Name, out var m) ? m : _mirror[set.Name] = new(StringComparer.Ordinal);

    private Dictionary<string, NftSetElement[]> ReadSet(NftSet set) =>
        ElementCompiler.FromKernel(_nft.ListElements(set), set.Flags.HasFlag(NftSetFlags.Interval), set.KeyType.IsConcat);

    /// <summary>
    /// Reads the applied allow-sets into the mirrors; a set that is missing, or holds keys of another type or shape
    /// (which would not mean the same addresses), reads as empty. With <paramref name="deferHosts"/>, a hosts set
    /// the layout keeps as it is (its shape, a size) is left unread, its size adopted (the kernel never let it hold
    /// more than its size).
    /// </summary>
    private void ReadAllowSets(bool deferHosts)
    {
        _unread.Clear();
        var found = FoundSets();
        foreach (var f in TableLayout.Families)
        {
            foreach (var set in f.AppliedSets)
            {
                var readable = found.TryGetValue(set.Name, out var kernel) && IsReadable(kernel, set);
                if (set == f.Hosts)
                {
                    if (deferHosts && readable && HasShape(kernel!, set) && kernel!.Size is { } size && size > 0)
                    {
                        _hosts[f.Family].Reset([]);
                        _hostsSize[f.Family] = size;
                        _unread.Add(f.Family);
                        continue;
                    }

                    ReadHosts(f, readable);
                    AdoptHostsSize(f, readable ? kernel!.Size : null);
                    continue;
                }

                _mirror[set.Name] = readable ? ReadSet(set) : new(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The table's sets by name as the kernel holds them (none when there is no table).</summary>
    private Dictionary<string, NftSet> FoundSets() =>
        _nft.ListTables(NftFamily.Inet).Any(t => t.Name == TableLayout.TableName)
            ? _nft.ListSets(NftFamily.Inet, TableLayout.TableName).ToDictionary(s => s.Name, StringComparer.Ordinal)
            : new Dictionary<string, NftSet>(StringComparer.Ordinal);

    /// <summary>Whether the elements of <paramref name="kernel"/> mean what those of <paramref name="set"/> mean (same key type, interval or not).</summary>
    private static bool IsReadable(NftSet kernel, NftSet set) =>
        kernel.KeyType.Equals(set.KeyType) && (kernel.Flags & NftSetFlags.Interval) == (set.Flags & NftSetFlags.Interval);

    private sealed record SetDiff(NftSet Set, List<KeyValuePair<string, NftSetElement[]>> Add, List<KeyValuePair<string, NftSetElement[]>> Remove);
}
