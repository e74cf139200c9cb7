using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The published destinations the gateway holds, at a revision, split the way the kernel stores them: single
/// addresses with every port (hash sets), CIDRs with every port (interval sets), port-restricted destinations.
/// </summary>
public sealed class AllowList
{
    /// <summary>The revision these destinations belong to (0: none).</summary>
    public long Revision { get; private set; }

    /// <summary>The id of the control-plane store they come from (empty when unknown).</summary>
    public string StoreId { get; private set; } = string.Empty;

    /// <summary>Single addresses, every port.</summary>
    public HashSet<Destination> Hosts { get; } = [];

    /// <summary>CIDRs, every port.</summary>
    public HashSet<Destination> Nets { get; } = [];

    /// <summary>Port-restricted destinations.</summary>
    public HashSet<Destination> Ports { get; } = [];

    /// <summary>How many destinations there are.</summary>
    public int Count => Hosts.Count + Nets.Count + Ports.Count;

    /// <summary>Every destination.</summary>
    public IEnumerable<Destination> All => Hosts.Concat(Nets).Concat(Ports);

    /// <summary>A list holding <paramref name="destinations"/> at <paramref name="revision"/> of store <paramref name="storeId"/>.</summary>
    public static AllowList Of(long revision, IEnumerable<Destination> destinations, string storeId = "")
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(storeId);
        var list = new AllowList { Revision = revision, StoreId = storeId };
        if (destinations is IReadOnlyCollection<Destination> known)
        {
            // Sized once: a million hosts grow no hash set step by step (each step rehashes everything).
            var (hosts, nets, ports) = (0, 0, 0);
            foreach (var d in known)
            {
                _ = !d.AllPorts ? ports++ : d.Prefix.IsHost ? hosts++ : nets++;
            }

            list.Hosts.EnsureCapacity(hosts);
            list.Nets.EnsureCapacity(nets);
            list.Ports.EnsureCapacity(ports);
        }

        foreach (var d in destinations)
        {
            list.Add(d);
        }

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
            if (Bucket(d).Remove(d))
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
            Bucket(d).Remove(d);
        }

        foreach (var d in change.Removed)
        {
            Add(d);
        }

        Revision = revision;
    }

    private bool Add(Destination d) => Bucket(d).Add(d);

    private HashSet<Destination> Bucket(Destination d) =>
        !d.AllPorts ? Ports : d.Prefix.IsHost ? Hosts : Nets;
}
