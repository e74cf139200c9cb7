using System.Text.RegularExpressions;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// Recognises port rules written in another common way — a bare port (<c>443</c>), <c>tcp:443</c>,
/// <c>443/tcp</c>, a service name (<c>https</c>), several rules in one string, "any" — and says how to write
/// them as <c>tcp/443</c>.
/// </summary>
public static partial class PortRuleHints
{
    private static readonly Dictionary<string, string> Services = new(StringComparer.OrdinalIgnoreCase)
    {
        ["http"] = "tcp/80",
        ["https"] = "tcp/443",
        ["ssh"] = "tcp/22",
        ["dns"] = "udp/53 and tcp/53",
        ["ntp"] = "udp/123",
        ["smtp"] = "tcp/25",
        ["smtps"] = "tcp/465",
        ["submission"] = "tcp/587",
        ["imaps"] = "tcp/993",
        ["ldaps"] = "tcp/636",
        ["mysql"] = "tcp/3306",
        ["postgres"] = "tcp/5432",
        ["postgresql"] = "tcp/5432",
        ["redis"] = "tcp/6379",
        ["quic"] = "udp/443",
    };

    /// <summary>The refusal for a rule of one of those shapes, else null (the caller reports other problems).</summary>
    public static string? Describe(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Length == 0)
        {
            return "a port rule is empty; write tcp/443, udp/53 or tcp/8000-8100 (leave ports empty to allow every port)";
        }

        if (rule.IndexOfAny([',', ' ', ';']) >= 0)
        {
            var parts = rule.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries);
            return $"port rule '{rule}' holds several rules; give one per list item: [{string.Join(", ", parts.Take(8).Select(p => $"\"{p}\""))}]";
        }

        if (rule == "*" || rule.Equals("any", StringComparison.OrdinalIgnoreCase) || rule.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return $"port rule '{rule}': to allow every port, leave ports empty ([])";
        }

        if (Services.TryGetValue(rule, out var service))
        {
            return $"port rule '{rule}' is a service name; write the protocol and port: {service}";
        }

        if (rule.Equals("tcp", StringComparison.OrdinalIgnoreCase) || rule.Equals("udp", StringComparison.OrdinalIgnoreCase))
        {
            var proto = rule.ToLowerInvariant();
            return $"port rule '{rule}' names no port: write {proto}/443, or {proto}/1-65535 for every {rule.ToUpperInvariant()} port";
        }

        if (PortsOnly().IsMatch(rule))
        {
            return $"port rule '{rule}' names no protocol: write tcp/{rule} (or udp/{rule})";
        }

        if (OtherSeparator().Match(rule) is { Success: true } other)
        {
            return $"port rule '{rule}': write {other.Groups["proto"].Value.ToLowerInvariant()}/{other.Groups["ports"].Value}";
        }

        if (Reversed().Match(rule) is { Success: true } reversed)
        {
            return $"port rule '{rule}': the protocol comes first: write {reversed.Groups["proto"].Value.ToLowerInvariant()}/{reversed.Groups["ports"].Value}";
        }

        return null;
    }

    [GeneratedRegex(@"^[0-9]{1,5}(-[0-9]{1,5})?$")]
    private static partial Regex PortsOnly();

    // "tcp:443", "TCP 443" (spaces are caught earlier), "tcp-443", "tcp443".
    [GeneratedRegex(@"^(?<proto>tcp|udp)[:\-_]?(?<ports>[0-9]{1,5}(-[0-9]{1,5})?)$", RegexOptions.IgnoreCase)]
    private static partial Regex OtherSeparator();

    // "443/tcp", as /etc/services writes it.
    [GeneratedRegex(@"^(?<ports>[0-9]{1,5}(-[0-9]{1,5})?)/(?<proto>tcp|udp)$", RegexOptions.IgnoreCase)]
    private static partial Regex Reversed();
}
