using System.Collections.Frozen;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// The domain rules in force: exact names by name, wildcards by the name under the <c>*</c>, so a query's match costs
/// one lookup per label. Replaced whole when the control plane sends a new list (readers see the old or the new one).
/// </summary>
public sealed class DomainPolicy
{
    /// <summary>The most rules accepted from one message.</summary>
    public const int MaxRules = 100_000;

    private volatile Snapshot _current = new([], FrozenDictionary<string, DomainRule[]>.Empty);

    /// <summary>Whether a DNS proxy runs here and wants the control plane's rules (<c>Hello.wants_domain_rules</c>).</summary>
    public bool Wanted { get; init; }

    /// <summary>Raised after the rules were replaced.</summary>
    public event Action? Changed;

    /// <summary>The rules in force.</summary>
    public IReadOnlyList<DomainRule> Rules => _current.Rules;

    /// <summary>Whether the control plane (or the saved state) has given any list yet.</summary>
    public bool Loaded { get; private set; }

    /// <summary>Replaces the rules with <paramref name="rules"/>.</summary>
    public void Replace(IReadOnlyList<DomainRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var byPattern = rules
            .GroupBy(r => r.Pattern, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _current = new Snapshot([.. rules], byPattern);
        Loaded = true;
        Changed?.Invoke();
    }

    /// <summary>Replaces the rules with a control-plane message; malformed rules are left out (returned as reasons).</summary>
    public IReadOnlyList<string> Replace(DomainRules message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (rules, refused) = FromProto(message);
        Replace(rules);
        return refused;
    }

    /// <summary>The rules whose pattern matches <paramref name="name"/> (normalised): the exact one and every wildcard over it.</summary>
    public IReadOnlyList<DomainRule> Match(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var current = _current;
        if (current.ByPattern.Count == 0)
        {
            return [];
        }

        List<DomainRule>? found = null;
        if (current.ByPattern.TryGetValue(name, out var exact))
        {
            (found ??= []).AddRange(exact);
        }

        foreach (var wildcard in DomainPattern.WildcardsCovering(name))
        {
            if (current.ByPattern.TryGetValue(wildcard, out var rules))
            {
                (found ??= []).AddRange(rules);
            }
        }

        return found ?? (IReadOnlyList<DomainRule>)[];
    }

    /// <summary>The rules of a message; a rule with a bad pattern or port range is refused with a reason.</summary>
    public static (List<DomainRule> Rules, List<string> Refused) FromProto(DomainRules message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var rules = new List<DomainRule>();
        var refused = new List<string>();
        foreach (var r in message.Rules.Take(MaxRules))
        {
            var pattern = DomainPattern.Normalize(r.Pattern);
            if (pattern.Length is 0 or > 255 || pattern.IndexOf('*', 1) >= 0 || (pattern.StartsWith('*') && !DomainPattern.IsWildcard(pattern)))
            {
                refused.Add($"entries/{r.EntryId}: pattern '{r.Pattern}' is not a name or *.name");
                continue;
            }

            var ports = new List<PortSpan>();
            foreach (var p in r.Ports)
            {
                if (p.Protocol is not (V1.L4Protocol.Tcp or V1.L4Protocol.Udp) || p.PortFrom is 0 or > 65535 || p.PortTo < p.PortFrom || p.PortTo > 65535)
                {
                    refused.Add($"entries/{r.EntryId}: port rule {p.Protocol}/{p.PortFrom}-{p.PortTo} is out of range");
                    ports = null;
                    break;
                }

                ports.Add(new PortSpan((byte)p.Protocol, (ushort)p.PortFrom, (ushort)p.PortTo));
            }

            if (ports is not null)
            {
                rules.Add(new DomainRule(r.EntryId, pattern, ports));
            }
        }

        if (message.Rules.Count > MaxRules)
        {
            refused.Add($"{message.Rules.Count - MaxRules} rules past the first {MaxRules}");
        }

        return (rules, refused);
    }

    private sealed record Snapshot(DomainRule[] Rules, FrozenDictionary<string, DomainRule[]> ByPattern);
}
