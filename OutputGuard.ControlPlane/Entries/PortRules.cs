using System.Globalization;
using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>Parses and normalises port rules: <c>tcp/443</c>, <c>UDP/53</c>, <c>tcp/8000-8100</c>.</summary>
public static class PortRules
{
    /// <summary>Parses one rule or throws <see cref="FormatException"/> with a message that names the problem.</summary>
    public static PortRule Parse(string text) =>
        TryParse(text, out var rule, out var error) ? rule : throw new FormatException(error);

    /// <summary>Parses one rule; on failure <paramref name="error"/> names the problem.</summary>
    public static bool TryParse(string? text, out PortRule rule, out string error)
    {
        rule = default;
        error = string.Empty;
        var t = (text ?? string.Empty).Trim();
        var slash = t.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || PortRuleHints.Describe(t) is not null)
        {
            error = PortRuleHints.Describe(t) ?? $"port rule '{text}' must look like tcp/443, udp/53 or tcp/8000-8100";
            return false;
        }

        var protoText = t[..slash].ToLowerInvariant();
        L4Protocol proto;
        switch (protoText)
        {
            case "tcp":
                proto = L4Protocol.Tcp;
                break;
            case "udp":
                proto = L4Protocol.Udp;
                break;
            default:
                error = $"port rule '{text}': protocol '{t[..slash]}' is not tcp or udp (port rules exist for tcp and udp; leave ports empty to allow every protocol)";
                return false;
        }

        var ports = t[(slash + 1)..];
        var dash = ports.IndexOf('-', StringComparison.Ordinal);
        var fromText = dash < 0 ? ports : ports[..dash];
        var toText = dash < 0 ? ports : ports[(dash + 1)..];
        if (!TryPort(fromText, out var from) || !TryPort(toText, out var to))
        {
            error = $"port rule '{text}': ports must be whole numbers from 1 to 65535";
            return false;
        }

        if (from > to)
        {
            error = $"port rule '{text}': the range starts after it ends";
            return false;
        }

        rule = new PortRule(proto, from, to);
        return true;
    }

    /// <summary>
    /// Parses a list of rules, sorted and without duplicates. A rule covered by another of the same
    /// protocol is dropped (<c>tcp/443</c> beside <c>tcp/1-1024</c>); touching ranges are merged.
    /// </summary>
    public static IReadOnlyList<PortRule> Normalize(IEnumerable<string> texts, out string? error)
    {
        var rules = new List<PortRule>();
        foreach (var text in texts)
        {
            if (!TryParse(text, out var rule, out var e))
            {
                error = e;
                return [];
            }

            rules.Add(rule);
        }

        rules.Sort();
        var merged = new List<PortRule>();
        foreach (var rule in rules)
        {
            if (merged.Count > 0 && merged[^1].Protocol == rule.Protocol && rule.From <= merged[^1].To + 1)
            {
                var last = merged[^1];
                merged[^1] = last with { To = Math.Max(last.To, rule.To) };
            }
            else
            {
                merged.Add(rule);
            }
        }

        error = null;
        return merged;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
