using OutputGuard.Agent.Gateway.Dns;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>Which entries' names the DNS proxy learned each address for, by the address as the <c>ip</c> label shows it.</summary>
public static class LearnedEntries
{
    /// <summary>
    /// The entries (their patterns: <c>api.example.com</c>, <c>*.example.com</c>) of <paramref name="learned"/>, by
    /// address; an entry that <paramref name="rules"/> no longer hold is left out.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Map(IReadOnlyList<LearnedAddress> learned, IReadOnlyList<DomainRule> rules)
    {
        ArgumentNullException.ThrowIfNull(learned);
        ArgumentNullException.ThrowIfNull(rules);
        if (learned.Count == 0)
        {
            return new Dictionary<string, IReadOnlyList<string>>();
        }

        var patterns = new Dictionary<long, string>();
        foreach (var r in rules)
        {
            patterns.TryAdd(r.EntryId, r.Pattern);
        }

        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var a in learned)
        {
            if (!patterns.TryGetValue(a.EntryId, out var pattern))
            {
                continue;
            }

            var key = a.Address.ToString();
            var list = map.TryGetValue(key, out var l) ? l : map[key] = [];
            if (!list.Contains(pattern, StringComparer.Ordinal))
            {
                list.Add(pattern);
            }
        }

        return map.ToDictionary(m => m.Key, m => (IReadOnlyList<string>)m.Value, StringComparer.Ordinal);
    }
}
