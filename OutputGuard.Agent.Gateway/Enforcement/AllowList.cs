using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The published destinations the gateway holds, at a revision, split the way the kernel stores them: single
/// addresses with every port (hash sets), CIDRs with every port (interval sets), port-restricted destinations.
/// The hosts, the bulk of a large list, are held as numbers (<see cref="HostSet"/>: about 16 bytes per IPv4 host).
/// </summary>
public sealed class AllowList
{
    /// <summary>The revision these destinations belong to (0: none).</summary>
    public long Revision { get; private set; }

    /// <summary>The id of the control-plane store they come from (empty when unknown).</summary>
    public string StoreId { get; internal set; } = string.Empty;

    /// <summary>Single addresses, every port.</summary>
    public HostSet Hosts { get; private init; } = new();

    /// <summary>CIDRs, every port.</summary>
    public HashSet<Destination> Nets { get; } = [];

    /// <summary>Port-restricted destinations.</summary>
    public HashSet<Destination> Ports { get; } = [];

    /// <summary>How many destinations there are.</summary>
    public int Count => Hosts.Count + Nets.Count + Ports.Count;

    /// <summary>Every destination: the hosts, then the CIDRs, then the port-restricted ones (a view, not a copy).</summary>
    public IReadOnlyCollection<Destination> All => new Everything(this);

    /// <summary>A list holding <paramref name="destinations"/> at <paramref name="revision"/> of store <paramref name="storeId"/>.</summary>
    public static AllowList Of(long revision, IEnumerable<Destination> destinations, string storeId = "")
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(storeId);
        var list = new AllowList { Revision = revision, StoreId = storeId };
        if (destinations is IReadOnlyCollection<Destination> known)
        {
            // Sized once: a million hosts grow no hash set step by step (each step rehashes everything).
            var (v4, v6, nets, ports) = (0, 0, 0, 0);
            foreach (var d in known)
            {
                _ = !d.AllPorts ? ports++ : !d.Prefix.IsHost ? nets++ : d.Prefix.IsIPv4 ? v4++ : v6++;
            }

            list.Hosts.EnsureCapacity(v4, v6);
            list.Nets.EnsureCapacity(nets);
            list.Ports.EnsureCapacity(ports);
        }

        list.AddRange(destinations);
        return list;
    }

    /// <summary>Applies one revision's changes; returns what kind of destinations changed.</summary>
    public AllowListChange Apply(long revision, IEnumerable<Destination> add, IEnumerable<Destination> remove)
    {
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(remove);
        var change = new AllowListChange();
        foreach (var d in remove)
        {
            if (Remove(d))
            {
                change.Note(d, added: false);
            }
        }

        foreach (var d in add)
        {
            if (Add(d))
            {
                change.Note(d, added: true);
            }
        }

        Revision = revision;
        return change;
    }

    /// <summary>Undoes <paramref name="change"/> (a delta whose kernel batch failed) and returns to <paramref name="revision"/>.</summary>
    public void Revert(AllowListChange change, long revision)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var d in change.Added)
        {
            Remove(d);
        }

        foreach (var d in change.Removed)
        {
            Add(d);
        }

        Revision = revision;
    }

    /// <summary>A copy at the same revision and store whose sets are its own (for a writer that must not hold the live list).</summary>
    public AllowList Clone()
    {
        var copy = new AllowList { Revision = Revision, StoreId = StoreId, Hosts = Hosts.Clone() };
        copy.Nets.UnionWith(Nets);
        copy.Ports.UnionWith(Ports);
        return copy;
    }

    /// <summary>Adds <paramref name="destinations"/> without recording a change (a list being built, like a snapshot's parts).</summary>
    internal void AddRange(IEnumerable<Destination> destinations)
    {
        foreach (var d in destinations)
        {
            Add(d);
        }
    }

    /// <summary>Adds one destination without recording a change; false when it was there.</summary>
    internal bool Add(Destination d) =>
        !d.AllPorts ? Ports.Add(d) : d.Prefix.IsHost ? Hosts.Add(d) : Nets.Add(d);

    private bool Remove(Destination d) =>
        !d.AllPorts ? Ports.Remove(d) : d.Prefix.IsHost ? Hosts.Remove(d) : Nets.Remove(d);

    /// <summary>The view <see cref="All"/> returns: counted without a walk, walked without a copy.</summary>
    private sealed class Everything(AllowList list) : IReadOnlyCollection<Destination>
    {
        public int Count => list.Count;

        public IEnumerator<Destination> GetEnumerator()
        {
            foreach (var d in list.Hosts)
            {
                yield return d;
            }

            foreach (var d in list.Nets)
            {
                yield return d;
            }

            foreach (var d in list.Ports)
            {
                yield return d;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
