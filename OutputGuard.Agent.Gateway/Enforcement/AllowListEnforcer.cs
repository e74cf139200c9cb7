using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OutputGuard.Netlink.Addressing;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// Owns the table <c>inet outputguard</c>: creates it (forward policy drop from the first commit), adopts what it
/// finds, and makes the allow-sets hold exactly an <see cref="AllowList"/> — each change one netlink batch, computed
/// as the difference against what the kernel holds, and no batch at all when there is no difference.
/// </summary>
public sealed partial class AllowListEnforcer : IDisposable
{
    private readonly NftConnection _nft;
    private readonly EnforcerSettings _settings;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Dictionary<string, NftSetElement[]>> _mirror = new(StringComparer.Ordinal);
    private readonly HashSet<AllowedDestination> _reportedSkips = [];
    private readonly Lock _gate = new();

    /// <summary>Wraps a connection (in the gateway's namespace); call <see cref="Start"/> before applying.</summary>
    public AllowListEnforcer(NftConnection nft, EnforcerSettings settings, ILogger logger)
    {
        _nft = nft ?? throw new ArgumentNullException(nameof(nft));
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The number of allow entries the kernel's outbound sets hold.</summary>
    public int ElementCount
    {
        get
        {
            lock (_gate)
            {
                return TableLayout.Families.SelectMany(f => f.AllowPairs).Sum(p => _mirror.TryGetValue(p.Out.Name, out var m) ? m.Count : 0);
            }
        }
    }

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
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            var exists = _nft.ListTables(NftFamily.Inet).Any(t => t.Name == TableLayout.TableName);
            using (var batch = _nft.BeginBatch())
            {
                if (!exists)
                {
                    batch.AddTable(TableLayout.Table with { UserData = _settings.Owner is { } owner ? NftUserData.Comment(owner) : null });
                    batch.AddChain(TableLayout.Forward);
                    batch.AddChain(TableLayout.Postrouting);
                    foreach (var set in TableLayout.AllSets)
                    {
                        batch.AddSet(set);
                    }

                    AddRules(batch);
                    foreach (var f in TableLayout.Families)
                    {
                        batch.AddElements(f.Clients, ElementCompiler.Ranges(_settings.EffectiveClients, f.Family).Values.SelectMany(v => v));
                        batch.AddElements(f.Internal, ElementCompiler.Ranges(_settings.Internal.Ranges.Select(r => r.Prefix), f.Family).Values.SelectMany(v => v));
                    }

                    batch.Commit();
                    Log.TableCreated(_logger, TableLayout.TableName, _settings.Observe);
                }
                else
                {
                    AdoptLayout(batch);
                }
            }

            ReadAllowSets();
            Log.TableAdopted(_logger, TableLayout.TableName, ElementCount);
        }
    }

    /// <summary>Makes the kernel hold exactly <paramref name="list"/> (a snapshot): one batch, or none when equal.</summary>
    public ApplyResult Apply(AllowList list)
    {
        ArgumentNullException.ThrowIfNull(list);
        lock (_gate)
        {
            return WithResync(() =>
            {
                var plan = new Dictionary<NftSet, Dictionary<string, NftSetElement[]>>();
                foreach (var f in TableLayout.Families)
                {
                    var hosts = ElementCompiler.Hosts(Allowed(list.Hosts), f.Family);
                    var nets = ElementCompiler.Nets(Allowed(list.Nets), f.Family);
                    var ports = CompilePorts(list, f.Family);
                    foreach (var s in new[] { f.Hosts, f.HostsIn })
                    {
                        plan[s] = hosts;
                    }

                    plan[f.Nets] = nets;
                    plan[f.NetsIn] = nets;
                    plan[f.Ports] = ports;
                    plan[f.PortsIn] = ports;
                }

                return Commit(plan.Select(p => Diff(p.Key, p.Value)).ToList());
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
            return WithResync(() =>
            {
                var diffs = new List<SetDiff>();
                foreach (var f in TableLayout.Families)
                {
                    var added = Allowed(change.HostsAdded).Where(h => h.Prefix.Family == f.Family).Select(h => ElementCompiler.Host(h.Prefix)).ToList();
                    var removed = change.HostsRemoved.Where(h => h.Prefix.Family == f.Family).Select(h => ElementCompiler.Host(h.Prefix)).ToList();
                    foreach (var set in new[] { f.Hosts, f.HostsIn })
                    {
                        var mirror = MirrorOf(set);
                        diffs.Add(new SetDiff(
                            set,
                            [.. added.Where(a => !mirror.ContainsKey(a.Key)).DistinctBy(a => a.Key)],
                            [.. removed.Where(r => mirror.ContainsKey(r.Key)).DistinctBy(r => r.Key)]));
                    }

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

                return Commit(diffs);
            });
        }
    }

    /// <inheritdoc />
    public void Dispose() => _nft.Dispose();

    private ApplyResult WithResync(Func<ApplyResult> apply)
    {
        try
        {
            return apply();
        }
        catch (NetlinkException ex)
        {
            // The kernel disagreed with what we believed it holds (someone changed the sets): read it again, retry once.
            Log.ApplyRetry(_logger, ex.Message);
            ReadAllowSets();
            return apply();
        }
    }

    private Dictionary<string, NftSetElement[]> CompilePorts(AllowList list, AddressFamily family) =>
        ElementCompiler.Ports(Allowed(list.Ports), family);

    private IEnumerable<AllowedDestination> Allowed(IEnumerable<AllowedDestination> destinations)
    {
        foreach (var d in destinations)
        {
            if (_settings.Internal.TryFindOverlap(d.Prefix, out var range))
            {
                if (_reportedSkips.Add(d))
                {
                    Log.InternalSkipped(_logger, d.ToString(), range.ToString() ?? string.Empty);
                }

                continue;
            }

            yield return d;
        }
    }

    private SetDiff Diff(NftSet set, Dictionary<string, NftSetElement[]> desired)
    {
        var mirror = MirrorOf(set);
        var add = desired.Where(d => !mirror.ContainsKey(d.Key)).ToList();
        var remove = mirror.Where(m => !desired.ContainsKey(m.Key)).ToList();
        return new SetDiff(set, add, remove);
    }

    private ApplyResult Commit(List<SetDiff> diffs)
    {
        var changes = diffs.Where(d => d.Add.Count > 0 || d.Remove.Count > 0).ToList();
        if (changes.Count == 0)
        {
            return new ApplyResult(0, 0, false);
        }

        using (var batch = _nft.BeginBatch())
        {
            foreach (var d in changes.Where(d => d.Remove.Count > 0))
            {
                batch.DeleteElements(d.Set, d.Remove.SelectMany(r => r.Value));
            }

            foreach (var d in changes.Where(d => d.Add.Count > 0))
            {
                batch.AddElements(d.Set, d.Add.SelectMany(a => a.Value));
            }

            batch.Commit();
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

        var outbound = changes.Where(c => TableLayout.Families.Any(f => f.AllowPairs.Any(p => p.Out.Name == c.Set.Name))).ToList();
        return new ApplyResult(outbound.Sum(c => c.Add.Count), outbound.Sum(c => c.Remove.Count), true);
    }

    private Dictionary<string, NftSetElement[]> MirrorOf(NftSet set) =>
        _mirror.TryGetValue(set.Name, out var m) ? m : _mirror[set.Name] = new(StringComparer.Ordinal);

    private void ReadAllowSets()
    {
        foreach (var f in TableLayout.Families)
        {
            foreach (var (o, i) in f.AllowPairs)
            {
                foreach (var set in new[] { o, i })
                {
                    _mirror[set.Name] = ElementCompiler.FromKernel(_nft.ListElements(set), set.Flags.HasFlag(NftSetFlags.Interval), set.KeyType.IsConcat);
                }
            }
        }
    }

    private sealed record SetDiff(NftSet Set, List<KeyValuePair<string, NftSetElement[]>> Add, List<KeyValuePair<string, NftSetElement[]>> Remove);
}
