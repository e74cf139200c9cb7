using System.Diagnostics;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// Hosts sets left unread at start (<see cref="Start"/> with <c>deferHosts</c>): a restart that applies its saved
/// state makes them anew from it rather than reading back a million hosts (a set dump the kernel resumes by skipping
/// what it sent, so quadratic: ten seconds at a million), and any other use reads them first.
/// </summary>
public sealed partial class AllowListEnforcer
{
    /// <summary>
    /// What makes the unread hosts set of <paramref name="family"/> hold exactly the allowed hosts of
    /// <paramref name="list"/>: the set made anew with them (<see cref="QueueGrowth"/>, in the snapshot's batch), and
    /// the hosts the seen sets hold that the list does not allow taken out of them in that batch — the seen sets are
    /// read for it (they hold the hosts that carried traffic, as a rule far fewer than the hosts), and keep the
    /// counters of every host that stays.
    /// </summary>
    private HostDiff RemakeHosts(FamilyLayout family, AllowList list)
    {
        var mirror = _hosts[family.Family];
        var add = mirror.Writer();
        foreach (var d in list.Hosts)
        {
            if (d.Prefix.Family == family.Family && IsAllowed(d))
            {
                add.Write(d.Prefix.First);
            }
        }

        var stale = mirror.Writer();
        var read = new HashSet<UInt128>();
        foreach (var seen in new[] { family.Seen, family.SeenIn })
        {
            foreach (var e in _nft.ListElements(seen))
            {
                var address = ElementCompiler.Number(e.Key);
                if (!read.Add(address))
                {
                    continue;
                }

                var d = Destination.Any(IpPrefix.FromNumber(family.Family, address, family.AddressLength * 8));
                if (!list.Hosts.Contains(d) || IsInternal(d))
                {
                    stale.Write(address);
                }
            }
        }

        return new HostDiff(mirror, add, mirror.Writer()) { Remake = true, Stale = stale };
    }

    /// <summary>
    /// Reads the hosts sets left unread into their mirrors (what the gateway found, as a start that read them would
    /// have), with the size adopted at start kept when it has room; nothing when there are none. A
    /// <paramref name="scope"/> whose events say someone else changed a hosts set since has those changes undone in
    /// the mirror, so that the repair that follows undoes them in the kernel (a host added by someone else is never
    /// adopted from its own event).
    /// </summary>
    private void ReadDeferredHosts(DriftScope? scope = null)
    {
        if (_unread.Count == 0)
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var names = UnreadNames();
        var found = FoundSets();
        var count = 0;
        foreach (var f in TableLayout.Families.Where(f => _unread.Contains(f.Family)))
        {
            ReadHosts(f, found.TryGetValue(f.Hosts.Name, out var kernel) && IsReadable(kernel, f.Hosts));
            if (scope is not null && scope.Changes.TryGetValue(f.Hosts.Name, out var changes))
            {
                UndoChanges(_hosts[f.Family], changes);
            }

            AdoptHostsSize(f, _hostsSize[f.Family]);
            _unread.Remove(f.Family);
            count += _hosts[f.Family].Count;
        }

        Log.DeferredHostsRead(_logger, names, count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Puts <paramref name="mirror"/>, read after <paramref name="changes"/>, back to before them: an address whose first
    /// change was an add was not there, one whose first change was a removal was.
    /// </summary>
    private static void UndoChanges(HostMirror mirror, IReadOnlyList<(NftSetElement Element, bool Added)> changes)
    {
        var first = new Dictionary<UInt128, bool>();
        foreach (var (element, added) in changes)
        {
            first.TryAdd(ElementCompiler.Number(element.Key), added);
        }

        var gone = mirror.Writer();
        var back = mirror.Writer();
        foreach (var (address, added) in first)
        {
            (added ? gone : back).Write(address);
        }

        mirror.Apply(gone.Keys, back.Keys);
    }

    /// <summary>The names of the hosts sets left unread, for the log.</summary>
    private string UnreadNames() =>
        string.Join(", ", TableLayout.Families.Where(f => _unread.Contains(f.Family)).Select(f => f.Hosts.Name));
}
