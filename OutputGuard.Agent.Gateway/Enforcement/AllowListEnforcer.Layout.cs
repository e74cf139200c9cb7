using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>Creating and adopting the table's sets, chains and rules.</summary>
public sealed partial class AllowListEnforcer
{
    private const NftSetFlags DerivedFlags = NftSetFlags.Concat | NftSetFlags.Expr;

    private void AddRules(NftBatch batch)
    {
        foreach (var rule in TableLayout.ForwardRules(_settings.Observe).Concat(TableLayout.PostroutingRules()))
        {
            batch.AddRule(rule);
        }
    }

    /// <summary>Queues what the existing table lacks or holds differently; counters of the allow-sets are kept.</summary>
    private void AdoptLayout(NftBatch batch)
    {
        var sets = _nft.ListSets(NftFamily.Inet, TableLayout.TableName).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var missing = new List<NftSet>();
        var different = new List<NftSet>();
        foreach (var set in TableLayout.AllSets)
        {
            if (!sets.TryGetValue(set.Name, out var found))
            {
                missing.Add(set);
            }
            else if (!found.KeyType.Equals(set.KeyType) || (found.Flags & ~DerivedFlags) != (set.Flags & ~DerivedFlags))
            {
                different.Add(set);
            }
        }

        var chains = _nft.ListChains(NftFamily.Inet, TableLayout.TableName).ToDictionary(c => c.Name, StringComparer.Ordinal);
        foreach (var chain in new[] { TableLayout.Forward, TableLayout.Postrouting })
        {
            if (!chains.TryGetValue(chain.Name, out var found) || found.Hook != chain.Hook || found.Policy != chain.Policy
                || found.Priority != chain.Priority || found.Type != chain.Type)
            {
                if (found is not null && (found.Hook != chain.Hook || found.Type != chain.Type || found.Priority != chain.Priority))
                {
                    throw new InvalidOperationException(
                        $"the chain inet {TableLayout.TableName} {chain.Name} exists with another hook, type or priority; remove the table with --cleanup");
                }

                batch.AddChain(chain);
            }
        }

        foreach (var set in missing)
        {
            batch.AddSet(set);
        }

        var existingRules = _nft.ListRules(NftFamily.Inet, TableLayout.TableName);
        var expected = TableLayout.ForwardRules(_settings.Observe).Concat(TableLayout.PostroutingRules()).ToList();
        if (different.Count > 0 || !SameRules(existingRules, expected))
        {
            foreach (var rule in existingRules)
            {
                batch.DeleteRule(rule);
            }

            foreach (var set in different)
            {
                batch.DeleteSet(set);
                batch.AddSet(set);
            }

            AddRules(batch);
            Log.RulesReplaced(_logger, existingRules.Count, expected.Count);
        }

        foreach (var f in TableLayout.Families)
        {
            SyncStatic(batch, f.Clients, _settings.EffectiveClients, missing.Contains(f.Clients) || different.Contains(f.Clients));
            SyncStatic(batch, f.Internal, _settings.Internal.Ranges.Select(r => r.Prefix), missing.Contains(f.Internal) || different.Contains(f.Internal));
        }

        batch.Commit();
    }

    private void SyncStatic(NftBatch batch, NftSet set, IEnumerable<Netlink.Addressing.IpPrefix> prefixes, bool fresh)
    {
        var family = set.Name.EndsWith('4') ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        var desired = ElementCompiler.Ranges(prefixes, family);
        var current = fresh ? [] : ElementCompiler.FromKernel(_nft.ListElements(set), interval: true, concat: false);
        var remove = current.Where(c => !desired.ContainsKey(c.Key)).SelectMany(c => c.Value).ToList();
        var add = desired.Where(d => !current.ContainsKey(d.Key)).SelectMany(d => d.Value).ToList();
        if (remove.Count > 0)
        {
            batch.DeleteElements(set, remove);
        }

        if (add.Count > 0)
        {
            batch.AddElements(set, add);
        }
    }

    private static bool SameRules(IReadOnlyList<NftRule> existing, List<NftRule> expected)
    {
        string[] order = [TableLayout.ForwardChain, TableLayout.PostroutingChain];
        foreach (var chain in order)
        {
            var have = existing.Where(r => r.Chain == chain).ToList();
            var want = expected.Where(r => r.Chain == chain).ToList();
            if (have.Count != want.Count)
            {
                return false;
            }

            for (var i = 0; i < have.Count; i++)
            {
                if (!have[i].Expressions.SequenceEqual(want[i].Expressions))
                {
                    return false;
                }
            }
        }

        return existing.All(r => r.Chain is TableLayout.ForwardChain or TableLayout.PostroutingChain);
    }
}
