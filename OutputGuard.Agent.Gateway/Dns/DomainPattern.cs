namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// Domain names as entries name them, with the semantics of Kubernetes network-policy-api <c>domainNames</c>: an
/// exact name matches itself; <c>*.example.com</c> matches one or more labels under <c>example.com</c>
/// (<c>a.example.com</c>, <c>a.b.example.com</c>), never <c>example.com</c> itself nor a name that only contains it
/// (<c>example.com.evil.test</c>). Names compare in lower case without the trailing dot.
/// </summary>
public static class DomainPattern
{
    /// <summary>Lower case, no trailing dot.</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var n = name.EndsWith('.') ? name[..^1] : name;
        return n.ToLowerInvariant();
    }

    /// <summary>Whether <paramref name="pattern"/> is a wildcard (<c>*.</c> as its whole leftmost label).</summary>
    public static bool IsWildcard(string pattern) =>
        pattern is not null && pattern.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="name"/> matches <paramref name="pattern"/> (both normalised).</summary>
    public static bool Matches(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);
        if (!IsWildcard(pattern))
        {
            return string.Equals(pattern, name, StringComparison.Ordinal);
        }

        // "*.example.com" → name ends with ".example.com" and has at least one non-empty label before it.
        var suffix = pattern.AsSpan(1);
        return name.Length > suffix.Length
            && name.AsSpan().EndsWith(suffix, StringComparison.Ordinal)
            && name[0] != '.';
    }

    /// <summary>
    /// The names whose wildcard could match <paramref name="name"/>: each proper parent, as a wildcard pattern
    /// (<c>a.b.example.com</c> → <c>*.b.example.com</c>, <c>*.example.com</c>, <c>*.com</c>).
    /// </summary>
    public static IEnumerable<string> WildcardsCovering(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        for (var dot = name.IndexOf('.', StringComparison.Ordinal); dot > 0 && dot < name.Length - 1; dot = name.IndexOf('.', dot + 1))
        {
            yield return "*" + name[dot..];
        }
    }
}
