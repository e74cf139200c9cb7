using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The hash allow-sets (single addresses, every port): the bulk of a large allow-list. They are compared and
/// written as numbers and raw keys — no element record, key string or dictionary per address — so that a million
/// destinations cost the kernel's time, not ours; they carry no counters (the seen sets count the hosts with traffic).
/// </summary>
public sealed partial class AllowListEnforcer
{
    /// <summary>Whether an adopted hosts set may hold an internal address (the enforcer itself never adds one).</summary>
    private bool _hostsMayHoldInternal;

    /// <summary>
    /// What makes the hosts sets of <paramref name="family"/> hold exactly the allowed hosts of <paramref name="list"/>.
    /// An equal list costs one lookup per host and no batch: the mirror is walked only when some of it is not wanted.
    /// </summary>
    private HostDiff DiffHosts(FamilyLayout family, AllowList list)
    {
        var mirror = _hosts[family.Family];
        var add = mirror.Writer();
        var kept = 0;
        foreach (var d in list.Hosts)
        {
            if (d.Prefix.Family != family.Family)
            {
                continue;
            }

            if (mirror.Contains(d.Prefix.First))
            {
                if (!_hostsMayHoldInternal || !IsInternal(d))
                {
                    kept++;
                }

                continue;
            }

            if (IsAllowed(d))
            {
                add.Write(d.Prefix.First);
            }
        }

        var remove = mirror.Writer();
        if (kept < mirror.Count)
        {
            foreach (var address in mirror.Addresses)
            {
                var d = Destination.Any(IpPrefix.FromNumber(family.Family, address, family.AddressLength * 8));
                if (!list.Hosts.Contains(d) || IsInternal(d))
                {
                    remove.Write(address);
                }
            }
        }

        return new HostDiff(mirror, add, remove);
    }

    /// <summary>
    /// The hosts of one delta that <paramref name="list"/> already reflects: each host the delta named ends as the
    /// list says (a host both removed and added in one delta stays).
    /// </summary>
    private HostDiff DiffHosts(FamilyLayout family, AllowList list, AllowListChange change)
    {
        var mirror = _hosts[family.Family];
        var add = mirror.Writer();
        var remove = mirror.Writer();
        var seen = new HashSet<UInt128>();
        foreach (var d in change.HostsAdded.Concat(change.HostsRemoved))
        {
            var address = d.Prefix.First;
            if (d.Prefix.Family != family.Family || !seen.Add(address))
            {
                continue;
            }

            var wanted = list.Hosts.Contains(d) && IsAllowed(d);
            var held = mirror.Contains(address);
            if (wanted && !held)
            {
                add.Write(address);
            }
            else if (!wanted && held)
            {
                remove.Write(address);
            }
        }

        return new HostDiff(mirror, add, remove);
    }

    /// <summary>Reads the hosts set at adoption (what was applied), or takes it as empty when it is not <paramref name="readable"/>.</summary>
    private void ReadHosts(FamilyLayout family, bool readable)
    {
        var mirror = _hosts[family.Family];
        mirror.Reset(readable ? _nft.ListElements(family.Hosts) : []);
        _hostsMayHoldInternal |= mirror.Addresses.Any(a => IsInternal(Destination.Any(IpPrefix.FromNumber(family.Family, a, family.AddressLength * 8))));
    }

    /// <summary>
    /// The hosts set of <paramref name="set"/>'s family as the kernel holds it (with its size); any other set as it is.
    /// </summary>
    private NftSet Shaped(NftSet set) =>
        HostMirror.IsHosts(set) ? set with { Size = _hostsSize[FamilyLayout.Of(set).Family] } : set;

    /// <summary>
    /// Takes the size of the hosts set found at adoption when it has room for what the set holds (a size larger than
    /// needed stays: making the set anew would reload it); else the set is made anew, with the size for its hosts.
    /// </summary>
    private void AdoptHostsSize(FamilyLayout family, uint? found)
    {
        var count = _hosts[family.Family].Count;
        _hostsSize[family.Family] = found is { } size && size >= count && size > 0
            ? size
            : HostsCapacity.For(Math.Min(count, _settings.HostsMaximum), _settings.HostsSizeMinimum, _settings.HostsMaximum);
    }

    /// <summary>Refuses, before any work, a list with more hosts of <paramref name="family"/> than the enforcer applies.</summary>
    private void RefuseAboveMaximum(FamilyLayout family, long hosts)
    {
        if (hosts > _settings.HostsMaximum)
        {
            throw new InvalidOperationException(FormattableString.Invariant(
                $"the allow-list holds {hosts} {(family.AddressLength == 4 ? "IPv4" : "IPv6")} hosts, more than the {_settings.HostsMaximum} a gateway applies; the kernel keeps what it held"));
        }
    }

    /// <summary>
    /// The host changes after which a hosts set would hold more than its size, and those that make an unread set anew,
    /// each with the size it is made anew with.
    /// </summary>
    private Dictionary<HostDiff, uint> Outgrown(List<HostDiff> changes)
    {
        var grown = new Dictionary<HostDiff, uint>();
        foreach (var h in changes)
        {
            var family = h.Mirror.Layout;
            var count = (long)h.Mirror.Count - h.Remove.Count + h.Add.Count;
            RefuseAboveMaximum(family, count);
            if (h.Remake)
            {
                // A set made anew because it was never read keeps the size it was adopted with when that has room.
                grown[h] = count <= _hostsSize[family.Family] ? _hostsSize[family.Family] : HostsCapacity.For(count, _settings.HostsSizeMinimum, _settings.HostsMaximum);
            }
            else if (count > _hostsSize[family.Family])
            {
                grown[h] = HostsCapacity.For(count, _settings.HostsSizeMinimum, _settings.HostsMaximum);
            }
        }

        return grown;
    }

    /// <summary>
    /// Queues, for each outgrown (or unread, <see cref="HostDiff.Remake"/>) hosts set, the set made anew with its new
    /// size and filled with the hosts it holds after the change, in the batch of the change: the rules that look it up
    /// go first and come back after (a set in use cannot be deleted), so packets see the old set or the new one, never
    /// none. The seen sets stay, and with them every host's counters; the removed hosts (and those of
    /// <see cref="HostDiff.Stale"/>) leave them as in any change.
    /// </summary>
    private void QueueGrowth(NftBatch batch, Dictionary<HostDiff, uint> grown)
    {
        if (grown.Count == 0)
        {
            return;
        }

        var names = grown.Keys.Select(h => h.Mirror.Layout.Hosts.Name).ToHashSet(StringComparer.Ordinal);
        var chains = ExpectedRules
            .Where(r => r.Expressions.OfType<Netlink.Nftables.Expressions.NftLookup>().Any(l => names.Contains(l.SetName)))
            .Select(r => r.Chain)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var rule in _nft.ListRules(NftFamily.Inet, TableLayout.TableName).Where(r => chains.Contains(r.Chain)))
        {
            batch.DeleteRule(rule);
        }

        foreach (var (h, size) in grown)
        {
            var family = h.Mirror.Layout;
            batch.DeleteSet(family.Hosts);
            batch.AddSet(family.Hosts with { Size = size });
            var keys = h.Mirror.After(h.Remove.Keys, h.Add.Keys);
            if (keys.Count > 0)
            {
                batch.AddKeys(family.Hosts, keys.Keys);
            }

            if (h.Remove.Count > 0)
            {
                Forget(batch, family, h.Remove.Keys);
            }

            if (h.Stale is { Count: > 0 } stale)
            {
                Forget(batch, family, stale.Keys);
            }
        }

        foreach (var rule in ExpectedRules.Where(r => chains.Contains(r.Chain)))
        {
            batch.AddRule(rule);
        }
    }

    /// <summary>
    /// Queues the deletion of <paramref name="keys"/> from both seen sets of <paramref name="family"/>, whether the
    /// packet path added them or not. Called with every host that leaves the hosts set, so that the seen sets never
    /// count a host that is not allowed, and a host allowed again starts from zero. Where the kernel has the destroy
    /// command (Linux 6.3 and later) a key that is not there is passed over; before it, each key is added, then
    /// deleted (adding one that is there is a no-op, deleting one that is not would fail the batch). The add could
    /// only fail on a full seen set, which holds as many hosts as a gateway applies: the hosts set's keys, whose
    /// removal this is, never outnumber it.
    /// </summary>
    private void Forget(NftBatch batch, FamilyLayout family, ReadOnlySpan<byte> keys)
    {
        foreach (var seen in new[] { family.Seen, family.SeenIn })
        {
            if (_canDestroy)
            {
                batch.DestroyKeys(seen, keys);
                continue;
            }

            batch.AddKeys(seen, keys);
            batch.DeleteKeys(seen, keys);
        }
    }

    /// <summary>
    /// Queues the repair of the hosts set against the mirror: compared with the kernel when <paramref name="scope"/>
    /// reads it, or checked by the elements its events named. Returns whether the events were used.
    /// </summary>
    private bool RepairHosts(NftBatch batch, NftSet set, DriftScope scope, List<string> findings)
    {
        var mirror = _hosts[FamilyLayout.Of(set).Family];
        var foreign = mirror.Writer();
        var missing = mirror.Writer();
        var read = scope.Includes(set);
        if (read && mirror.Count > LargeSet)
        {
            Log.SetTooLargeToRead(_logger, set.Name, mirror.Count, LargeSet);
            read = false;
        }

        var usedEvents = false;
        if (read)
        {
            var kernel = new HashSet<UInt128>();
            foreach (var e in _nft.ListElements(set))
            {
                var address = ElementCompiler.Number(e.Key);
                if (kernel.Add(address) && !mirror.Contains(address))
                {
                    foreign.Write(address);
                }
            }

            foreach (var address in mirror.Addresses.Where(a => !kernel.Contains(a)))
            {
                missing.Write(address);
            }
        }
        else if (scope.Changes.TryGetValue(set.Name, out var changes))
        {
            // The events said which elements changed, in order: the last word on each address counts.
            usedEvents = true;
            var last = new Dictionary<UInt128, bool>();
            foreach (var (element, added) in changes)
            {
                last[ElementCompiler.Number(element.Key)] = added;
            }

            foreach (var (address, added) in last)
            {
                if (added && !mirror.Contains(address))
                {
                    foreign.Write(address);
                }
                else if (!added && mirror.Contains(address))
                {
                    missing.Write(address);
                }
            }
        }

        QueueHosts(batch, set, foreign, missing, findings);
        return usedEvents;
    }

    private void QueueHosts(NftBatch batch, NftSet set, HostMirror.KeyWriter foreign, HostMirror.KeyWriter missing, List<string> findings)
    {
        if (foreign.Count > 0)
        {
            findings.Add(FormattableString.Invariant($"set {set.Name} held {foreign.Count} element(s) not applied"));
            batch.DeleteKeys(set, foreign.Keys);
            Forget(batch, FamilyLayout.Of(set), foreign.Keys);
        }

        if (missing.Count > 0)
        {
            findings.Add(FormattableString.Invariant($"set {set.Name} lacked {missing.Count} applied element(s)"));
            batch.AddKeys(set, missing.Keys);
        }
    }

    /// <summary>
    /// Up to <paramref name="limit"/> applied hosts of <paramref name="family"/> that <paramref name="counted"/> does not
    /// hold (as numbers): the hosts no packet reached yet, which have no seen-set element.
    /// </summary>
    public IReadOnlyList<UInt128> QuietHosts(FamilyLayout family, IReadOnlySet<UInt128> counted, int limit)
    {
        ArgumentNullException.ThrowIfNull(family);
        ArgumentNullException.ThrowIfNull(counted);
        var quiet = new List<UInt128>(Math.Max(0, Math.Min(limit, 1024)));
        lock (_gate)
        {
            ReadDeferredHosts();
            foreach (var address in _hosts[family.Family].Addresses)
            {
                if (quiet.Count >= limit)
                {
                    break;
                }

                if (!counted.Contains(address))
                {
                    quiet.Add(address);
                }
            }
        }

        return quiet;
    }

    private bool IsInternal(Destination d) => _settings.Internal.TryFindOverlap(d.Prefix, out _);

    /// <summary>The keys to delete from and add to the hosts set of one family.</summary>
    private sealed record HostDiff(HostMirror Mirror, HostMirror.KeyWriter Add, HostMirror.KeyWriter Remove)
    {
        /// <summary>Whether the set, never read, is made anew holding <see cref="Add"/> (the mirror is empty): never empty.</summary>
        public bool Remake { get; init; }

        /// <summary>Hosts that leave the seen sets besides <see cref="Remove"/> (a remake's: those the list does not allow).</summary>
        public HostMirror.KeyWriter? Stale { get; init; }

        public bool IsEmpty => !Remake && Add.Count == 0 && Remove.Count == 0;
    }
}
