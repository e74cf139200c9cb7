using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The hash allow-sets (single addresses, every port): the bulk of a large allow-list. They are compared and
/// written as numbers and raw keys — no element record, key string or dictionary per address — so that a million
/// destinations cost the kernel's time, not ours.
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

    /// <summary>
    /// Reads the hosts sets at adoption. The outbound set is what was applied; a reply twin that differs (someone
    /// changed it while no enforcer watched) is made equal to it, in one batch — unless it is too large to read
    /// (<see cref="LargeSet"/>), when its events alone keep it, as in every repair.
    /// </summary>
    private void ReadHosts(FamilyLayout family, List<string> findings)
    {
        var mirror = _hosts[family.Family];
        mirror.Reset(_nft.ListElements(family.Hosts));
        _hostsMayHoldInternal |= mirror.Addresses.Any(a => IsInternal(Destination.Any(IpPrefix.FromNumber(family.Family, a, family.AddressLength * 8))));
        var before = findings.Count;
        using var batch = _nft.BeginBatch();
        RepairHosts(batch, family.HostsIn, fresh: false, new DriftScope(false, new HashSet<string>(StringComparer.Ordinal) { family.HostsIn.Name }), findings);
        if (findings.Count > before)
        {
            batch.Commit();
        }
    }

    /// <summary>
    /// Queues the repair of one hosts set (outbound or reply) against the mirror: refilled whole when it is new, else
    /// compared with the kernel when <paramref name="scope"/> reads it, or checked by the elements its events named.
    /// Returns whether the events were used.
    /// </summary>
    private bool RepairHosts(NftBatch batch, NftSet set, bool fresh, DriftScope scope, List<string> findings)
    {
        var mirror = _hosts[FamilyLayout.Of(set).Family];
        if (fresh)
        {
            if (mirror.Count > 0)
            {
                var all = mirror.Writer();
                foreach (var address in mirror.Addresses)
                {
                    all.Write(address);
                }

                batch.AddKeys(set, all.Keys);
            }

            return false;
        }

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

    private static void QueueHosts(NftBatch batch, NftSet set, HostMirror.KeyWriter foreign, HostMirror.KeyWriter missing, List<string> findings)
    {
        if (foreign.Count > 0)
        {
            findings.Add(FormattableString.Invariant($"set {set.Name} held {foreign.Count} element(s) not applied"));
            batch.DeleteKeys(set, foreign.Keys);
        }

        if (missing.Count > 0)
        {
            findings.Add(FormattableString.Invariant($"set {set.Name} lacked {missing.Count} applied element(s)"));
            batch.AddKeys(set, missing.Keys);
        }
    }

    private bool IsInternal(Destination d) => _settings.Internal.TryFindOverlap(d.Prefix, out _);

    /// <summary>The keys to delete from and add to both hosts sets of one family.</summary>
    private sealed record HostDiff(HostMirror Mirror, HostMirror.KeyWriter Add, HostMirror.KeyWriter Remove)
    {
        public bool IsEmpty => Add.Count == 0 && Remove.Count == 0;
    }
}
