using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The entry names of the published destinations that belong to domain entries (the control plane's
/// <c>entry_names</c>), so that the per-entry series label a control-plane-resolved address by its domain. Compact:
/// one map entry per named destination (IP and CIDR destinations have none), pointing at an interned
/// <see cref="EntryNameSet"/> that every address of the same domain(s) shares, so a name is held once per set of
/// entries, not once per address; a set no destination uses any more is forgotten. Bounded by the allow-list: names are
/// kept only for destinations the list holds and go with them. Not thread-safe: <see cref="AppliedState"/> changes and
/// reads it under its lock.
/// </summary>
public sealed class EntryNames
{
    /// <summary>The longest name kept (a DNS name is at most 253 characters).</summary>
    public const int MaxNameLength = 253;

    /// <summary>The most entries one destination is named with; further ones are dropped.</summary>
    public const int MaxNamesPerDestination = 64;

    private readonly Dictionary<Destination, EntryNameSet> _byDestination = [];
    private readonly Dictionary<string, EntryNameSet> _sets = new(StringComparer.Ordinal);
    private Dictionary<IpPrefix, EntryNameSet>? _byPrefix;

    /// <summary>How many destinations have names.</summary>
    public int Count => _byDestination.Count;

    /// <summary>How many distinct sets of entries they use.</summary>
    public int Sets => _sets.Count;

    /// <summary>Every named destination with its entries.</summary>
    public IEnumerable<KeyValuePair<Destination, EntryNameSet>> All => _byDestination;

    /// <summary>The entries of <paramref name="destination"/>, or null when it has none (it is its own entry).</summary>
    public EntryNameSet? Of(Destination destination) => _byDestination.GetValueOrDefault(destination);

    /// <summary>Names <paramref name="destination"/> with <paramref name="names"/> (none: forgets it, it is its own entry again).</summary>
    public void Set(Destination destination, IEnumerable<string> names, bool ownEntry)
    {
        ArgumentNullException.ThrowIfNull(names);
        var sorted = names.Where(IsValidName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(MaxNamesPerDestination).ToArray();
        if (sorted.Length == 0)
        {
            Remove(destination);
            return;
        }

        var key = EntryNameSet.KeyOf(sorted, ownEntry);
        if (_byDestination.TryGetValue(destination, out var current) && current.Key == key)
        {
            return;
        }

        if (!_sets.TryGetValue(key, out var set))
        {
            set = new EntryNameSet(sorted, ownEntry, key);
            _sets[key] = set;
        }

        if (current is not null)
        {
            Release(current);
        }

        set.Uses++;
        _byDestination[destination] = set;
        _byPrefix = null;
    }

    /// <summary>Forgets the names of <paramref name="destination"/>; returns whether it had any.</summary>
    public bool Remove(Destination destination)
    {
        if (!_byDestination.Remove(destination, out var set))
        {
            return false;
        }

        Release(set);
        _byPrefix = null;
        return true;
    }

    /// <summary>
    /// Names the destinations of one Snapshot part or the <c>add</c>/<c>renamed</c> of a Delta from their
    /// <c>entry_names</c> indices into <paramref name="table"/> (the message's own), when <paramref name="holds"/> says
    /// the list has them. Destinations without indices are left alone unless <paramref name="clearUnnamed"/> (a renamed
    /// destination without names is its own entry again). Malformed destinations (refused by the list too) and indices
    /// past the table are skipped.
    /// </summary>
    public void Read(IEnumerable<WireDestination> destinations, IReadOnlyList<string> table, Func<Destination, bool> holds, bool clearUnnamed)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(holds);
        foreach (var wire in destinations)
        {
            if ((wire.EntryNames.Count == 0 && !clearUnnamed) || !DestinationMapper.TryMap(wire, out var destination, out _) || !holds(destination))
            {
                continue;
            }

            Set(destination, wire.EntryNames.Where(i => i < table.Count).Select(i => table[(int)i]), wire.OwnEntry);
        }
    }

    /// <summary>
    /// The entries by prefix (what a counter's label is), the union over the destinations of one prefix (an address
    /// with several port rules); built again only after a change.
    /// </summary>
    public IReadOnlyDictionary<IpPrefix, EntryNameSet> ByPrefix()
    {
        if (_byPrefix is { } built)
        {
            return built;
        }

        var byPrefix = new Dictionary<IpPrefix, EntryNameSet>(_byDestination.Count);
        foreach (var (destination, set) in _byDestination)
        {
            if (byPrefix.TryGetValue(destination.Prefix, out var other) && other != set)
            {
                var names = other.Names.Union(set.Names, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
                var own = other.OwnEntry || set.OwnEntry;
                byPrefix[destination.Prefix] = _sets.GetValueOrDefault(EntryNameSet.KeyOf(names, own)) ?? new EntryNameSet(names, own, EntryNameSet.KeyOf(names, own));
            }
            else
            {
                byPrefix[destination.Prefix] = set;
            }
        }

        return _byPrefix = byPrefix;
    }

    /// <summary>Whether <paramref name="name"/> is kept: 1 to <see cref="MaxNameLength"/> printable ASCII characters, no spaces.</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxNameLength && name.All(c => c is > ' ' and < (char)0x7f);

    /// <summary>Whether <paramref name="list"/> holds <paramref name="destination"/> (names are kept only for those).</summary>
    public static bool InList(AllowList list, Destination destination)
    {
        ArgumentNullException.ThrowIfNull(list);
        return !destination.AllPorts ? list.Ports.Contains(destination)
            : destination.Prefix.IsHost ? list.Hosts.Contains(destination) : list.Nets.Contains(destination);
    }

    private void Release(EntryNameSet set)
    {
        if (--set.Uses == 0)
        {
            _sets.Remove(set.Key);
        }
    }
}
