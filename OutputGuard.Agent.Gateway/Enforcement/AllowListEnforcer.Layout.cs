using System.Globalization;
using System.Net.Sockets;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>The table's structure: creating it, adopting it, and finding and undoing what others changed in it.</summary>
public sealed partial class AllowListEnforcer
{
    private const string TableMissing = "the table inet outputguard is missing";
    private const NftSetFlags DerivedFlags = NftSetFlags.Concat | NftSetFlags.Expr;
    private const uint TableDormant = 0x1;

    private IReadOnlyList<NftRule> ExpectedRules => TableLayout.AllRules(_settings.Observe, _marker, _settings.DnsRedirect);

    /// <summary>
    /// Reads the table's structure and queues, into <paramref name="batch"/>, whatever makes it the layout this
    /// enforcer owns: the table itself when missing, its flags, chains (policy included), sets, rules and the
    /// marker, and the contents of the client and internal sets. Everything foreign in the table goes. Each
    /// difference is described in <paramref name="findings"/>. Returns the allow-sets that are new (empty).
    /// </summary>
    private HashSet<string> QueueLayout(NftBatch batch, List<string> findings)
    {
        var table = _nft.ListTables(NftFamily.Inet).FirstOrDefault(t => t.Name == TableLayout.TableName);
        if (table is null)
        {
            findings.Add(TableMissing);
            batch.AddTable(TableLayout.Table with { UserData = _settings.Owner is { } owner ? NftUserData.Comment(owner) : null });
            foreach (var chain in TableLayout.Chains)
            {
                batch.AddChain(chain);
            }

            foreach (var set in TableLayout.AllSets)
            {
                batch.AddSet(Shaped(set));
            }

            AddRules(batch);
            foreach (var f in TableLayout.Families)
            {
                batch.AddElements(f.Clients, ElementCompiler.Ranges(_settings.EffectiveClients, f.Family).Values.SelectMany(v => v));
                batch.AddElements(f.Internal, ElementCompiler.Ranges(InternalPrefixes, f.Family).Values.SelectMany(v => v));
            }

            return [.. TableLayout.AllSets.Select(s => s.Name)];
        }

        if ((table.Flags & TableDormant) != 0)
        {
            findings.Add("the table is dormant (switched off)");
            batch.AddTable(TableLayout.Table);
        }

        var chains = _nft.ListChains(NftFamily.Inet, TableLayout.TableName).ToDictionary(c => c.Name, StringComparer.Ordinal);
        var addChains = new List<NftChain>();
        var recreateChains = new List<NftChain>();
        foreach (var chain in TableLayout.Chains)
        {
            if (!chains.TryGetValue(chain.Name, out var found))
            {
                findings.Add($"chain {chain.Name} is missing");
                addChains.Add(chain);
            }
            else if (found.Hook != chain.Hook || found.Type != chain.Type || found.Priority != chain.Priority)
            {
                findings.Add($"chain {chain.Name} has another hook, type or priority");
                recreateChains.Add(chain);
            }
            else if (found.Policy != chain.Policy)
            {
                findings.Add($"chain {chain.Name} has policy {found.Policy?.ToString().ToLowerInvariant()} (applied: {chain.Policy?.ToString().ToLowerInvariant()})");
                addChains.Add(chain);
            }
        }

        var foreignChains = chains.Values.Where(c => !TableLayout.Chains.Any(o => o.Name == c.Name)).ToList();
        findings.AddRange(foreignChains.Select(c => $"foreign chain {c.Name}"));

        var sets = _nft.ListSets(NftFamily.Inet, TableLayout.TableName).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var missingSets = new List<NftSet>();
        var differentSets = new List<NftSet>();
        foreach (var set in TableLayout.AllSets)
        {
            if (!sets.TryGetValue(set.Name, out var found))
            {
                findings.Add($"set {set.Name} is missing");
                missingSets.Add(set);
            }
            else if (!HasShape(found, set))
            {
                findings.Add($"set {set.Name} has another type, flags or counters");
                differentSets.Add(set);
            }
            else if (HostMirror.IsHosts(set) && found.Size != Shaped(set).Size)
            {
                // The size of a hosts set is its cap: one made smaller would refuse the next hosts.
                findings.Add(FormattableString.Invariant($"set {set.Name} has size {found.Size?.ToString(CultureInfo.InvariantCulture) ?? "none"} (applied: {Shaped(set).Size})"));
                differentSets.Add(set);
            }
        }

        var foreignSets = sets.Values
            .Where(s => !s.Flags.HasFlag(NftSetFlags.Anonymous) && !TableLayout.AllSets.Any(o => o.Name == s.Name))
            .ToList();
        findings.AddRange(foreignSets.Select(s => $"foreign set {s.Name}"));

        var rules = _nft.ListRules(NftFamily.Inet, TableLayout.TableName);
        var differingChains = DifferingChains(rules, ExpectedRules);
        findings.AddRange(differingChains.Select(c => FormattableString.Invariant(
            $"rules of chain {c} differ ({rules.Count(r => r.Chain == c)} found, {ExpectedRules.Count(r => r.Chain == c)} applied)")));
        var replaceRules = differingChains.Count > 0 || differentSets.Count > 0 || recreateChains.Count > 0;

        if (replaceRules)
        {
            foreach (var rule in rules.Where(r => TableLayout.Chains.Any(c => c.Name == r.Chain) && !recreateChains.Any(c => c.Name == r.Chain)))
            {
                batch.DeleteRule(rule);
            }
        }

        // Foreign chains may jump to each other: empty them all before deleting any.
        foreach (var chain in foreignChains)
        {
            batch.FlushChain(chain);
        }

        foreach (var chain in foreignChains)
        {
            batch.DeleteChain(chain);
        }

        foreach (var chain in recreateChains)
        {
            batch.DeleteChain(chain);
            batch.AddChain(chain);
        }

        foreach (var chain in addChains)
        {
            batch.AddChain(chain);
        }

        foreach (var set in differentSets)
        {
            batch.DeleteSet(set);
            batch.AddSet(Shaped(set));
        }

        foreach (var set in missingSets)
        {
            batch.AddSet(Shaped(set));
        }

        foreach (var set in foreignSets)
        {
            batch.DeleteSet(set);
        }

        if (replaceRules)
        {
            AddRules(batch);
        }

        var fresh = missingSets.Concat(differentSets).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var f in TableLayout.Families)
        {
            SyncStatic(batch, f.Clients, _settings.EffectiveClients, fresh.Contains(f.Clients.Name), findings);
            SyncStatic(batch, f.Internal, InternalPrefixes, fresh.Contains(f.Internal.Name), findings);
        }

        return fresh;
    }

    /// <summary>Whether <paramref name="found"/> has the key type, flags and counters of <paramref name="set"/> (else the layout makes it anew).</summary>
    private static bool HasShape(NftSet found, NftSet set) =>
        found.KeyType.Equals(set.KeyType) && (found.Flags & ~DerivedFlags) == (set.Flags & ~DerivedFlags) && found.Counters == set.Counters;

    private IEnumerable<IpPrefix> InternalPrefixes => _settings.Internal.Ranges.Select(r => r.Prefix);

    private void AddRules(NftBatch batch)
    {
        foreach (var rule in ExpectedRules)
        {
            batch.AddRule(rule);
        }
    }

    /// <summary>The marker the table carries, or null when there is no table, no marker chain or no readable marker.</summary>
    private TableMarker? ReadMarker()
    {
        if (!_nft.ListTables(NftFamily.Inet).Any(t => t.Name == TableLayout.TableName)
            || !_nft.ListChains(NftFamily.Inet, TableLayout.TableName).Any(c => c.Name == TableLayout.StateChain))
        {
            return null;
        }

        var rules = _nft.ListRules(NftFamily.Inet, TableLayout.TableName, TableLayout.StateChain);
        return rules.Count == 1 ? TableMarker.Parse(rules[0].Comment) : null;
    }

    private void SyncStatic(NftBatch batch, NftSet set, IEnumerable<IpPrefix> prefixes, bool fresh, List<string> findings)
    {
        var family = FamilyLayout.Of(set).Family;
        var desired = ElementCompiler.Ranges(prefixes, family);
        var current = fresh ? [] : ReadSet(set);
        var remove = current.Where(c => !desired.ContainsKey(c.Key)).SelectMany(c => c.Value).ToList();
        var add = desired.Where(d => !current.ContainsKey(d.Key)).SelectMany(d => d.Value).ToList();
        if (!fresh && (remove.Count > 0 || add.Count > 0))
        {
            findings.Add($"set {set.Name} differs from the configured ranges");
        }

        if (remove.Count > 0)
        {
            batch.DeleteElements(set, remove);
        }

        if (add.Count > 0)
        {
            batch.AddElements(set, add);
        }
    }

    /// <summary>The chains whose rules differ from <paramref name="expected"/> (expressions, order, comments).</summary>
    private static List<string> DifferingChains(IReadOnlyList<NftRule> existing, IReadOnlyList<NftRule> expected)
    {
        var differing = new List<string>();
        foreach (var chain in TableLayout.Chains.Select(c => c.Name))
        {
            var have = existing.Where(r => r.Chain == chain).ToList();
            var want = expected.Where(r => r.Chain == chain).ToList();
            if (have.Count != want.Count || have.Zip(want).Any(p => p.First.Comment != p.Second.Comment || !p.First.Expressions.SequenceEqual(p.Second.Expressions, SameExpression.Instance)))
            {
                differing.Add(chain);
            }
        }

        return differing;
    }

    /// <summary>Expressions compared as the layout means them: a counter is a counter, whatever it counted.</summary>
    private sealed class SameExpression : IEqualityComparer<Netlink.Nftables.Expressions.NftExpression>
    {
        public static readonly SameExpression Instance = new();

        public bool Equals(Netlink.Nftables.Expressions.NftExpression? x, Netlink.Nftables.Expressions.NftExpression? y) =>
            (x is Netlink.Nftables.Expressions.NftCounter && y is Netlink.Nftables.Expressions.NftCounter) || object.Equals(x, y);

        public int GetHashCode(Netlink.Nftables.Expressions.NftExpression obj) => obj is Netlink.Nftables.Expressions.NftCounter ? 1 : obj.GetHashCode();
    }
}
