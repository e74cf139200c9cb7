using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>Undoing what others changed in the table: the structure, then the allow-sets against the mirror.</summary>
public sealed partial class AllowListEnforcer
{
    /// <summary>Sets that hold more elements than this are not read whole to verify them (see <see cref="DriftScope"/>).</summary>
    public const int LargeSet = 200_000;

    private DriftReport RepairLocked(DriftScope scope)
    {
        // A repair compares with what was applied: a hosts set left unread is read first (never compared as empty).
        ReadDeferredHosts(scope);
        var findings = new List<string>();
        var usedEvents = false;
        using var batch = _nft.BeginBatch();
        var fresh = QueueLayout(batch, findings);
        foreach (var f in TableLayout.Families)
        {
            foreach (var set in f.AppliedSets)
            {
                if (fresh.Contains(set.Name))
                {
                    Refill(batch, set);
                    continue;
                }

                if (HostMirror.IsHosts(set))
                {
                    usedEvents |= RepairHosts(batch, set, scope, findings);
                    continue;
                }

                var mirror = MirrorOf(set);

                List<KeyValuePair<string, NftSetElement[]>> foreign, missing;
                var read = scope.Includes(set) || (scope.Changes.ContainsKey(set.Name) && !CanCheckByElement(set));
                if (read && mirror.Count > LargeSet)
                {
                    // The kernel resumes a set dump by skipping what it sent: reading a million elements takes minutes.
                    // Such a set is kept by its element events alone.
                    Log.SetTooLargeToRead(_logger, set.Name, mirror.Count, LargeSet);
                    read = false;
                }

                if (read)
                {
                    var kernel = ReadSet(set);
                    foreign = [.. kernel.Where(k => !mirror.ContainsKey(k.Key))];
                    missing = [.. mirror.Where(m => !kernel.ContainsKey(m.Key))];
                }
                else if (scope.Changes.TryGetValue(set.Name, out var changes))
                {
                    // The events said which elements changed, in order: no need to read the set.
                    usedEvents = true;
                    var last = new Dictionary<string, (NftSetElement[] Element, bool Added)>(StringComparer.Ordinal);
                    foreach (var (element, added) in changes)
                    {
                        foreach (var (id, value) in ElementCompiler.FromKernel([element], interval: false, concat: set.KeyType.IsConcat))
                        {
                            last[id] = (value, added);
                        }
                    }

                    foreign = [.. last.Where(l => l.Value.Added && !mirror.ContainsKey(l.Key)).Select(l => new KeyValuePair<string, NftSetElement[]>(l.Key, l.Value.Element))];
                    missing = [.. last.Where(l => !l.Value.Added && mirror.ContainsKey(l.Key)).Select(l => new KeyValuePair<string, NftSetElement[]>(l.Key, mirror[l.Key]))];
                }
                else
                {
                    continue;
                }

                if (foreign.Count > 0)
                {
                    findings.Add(FormattableString.Invariant($"set {set.Name} held {foreign.Count} element(s) not applied"));
                    batch.DeleteElements(set, foreign.SelectMany(e => e.Value));
                }

                if (missing.Count > 0)
                {
                    findings.Add(FormattableString.Invariant($"set {set.Name} lacked {missing.Count} applied element(s)"));
                    batch.AddElements(set, missing.SelectMany(e => e.Value));
                }
            }
        }

        if (findings.Count == 0)
        {
            return DriftReport.Clean;
        }

        try
        {
            batch.Commit();
        }
        catch (NetlinkException) when (usedEvents)
        {
            // The set moved on since the events (an element came and went): read the sets the events named.
            var read = new HashSet<string>(scope.Sets.Concat(scope.Changes.Keys), StringComparer.Ordinal);
            return RepairLocked(new DriftScope(scope.AllSets, read));
        }

        Committed();
        var report = new DriftReport(findings, true);
        Repaired?.Invoke(report);
        return report;
    }

    /// <summary>Queues every element the mirror holds for <paramref name="set"/>, which is new (empty) in the batch.</summary>
    private void Refill(NftBatch batch, NftSet set)
    {
        if (HostMirror.IsHosts(set))
        {
            var mirror = _hosts[FamilyLayout.Of(set).Family];
            if (mirror.Count > 0)
            {
                var all = mirror.Writer();
                foreach (var address in mirror.Addresses)
                {
                    all.Write(address);
                }

                batch.AddKeys(set, all.Keys);
            }

            return;
        }

        var elements = MirrorOf(set);
        if (elements.Count > 0)
        {
            batch.AddElements(set, elements.Values.SelectMany(v => v));
        }
    }

    private ApplyResult WithRepair(Func<ApplyResult> apply)
    {
        try
        {
            return apply();
        }
        catch (NetlinkException ex)
        {
            // The kernel disagreed with what we applied (someone changed the table): put it back, then retry once.
            Log.ApplyRetry(_logger, ex.Message);
            var report = RepairLocked(DriftScope.Everything);
            if (report.Drifted)
            {
                Log.DriftRepaired(_logger, string.Join("; ", report.Findings));
            }

            return apply();
        }
    }
}
