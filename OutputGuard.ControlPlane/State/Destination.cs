using OutputGuard.ControlPlane.Entries;
using OutputGuard.Addressing;

namespace OutputGuard.ControlPlane.State;

/// <summary>
/// One element of the desired state: a public prefix, with a port rule or for every port.
/// The <see cref="Key"/> is its identity in the store and the change log.
/// </summary>
/// <param name="Prefix">The destination prefix (a host prefix for a single address).</param>
/// <param name="Port">The port rule, or null for every port of every protocol.</param>
public readonly record struct Destination(IpPrefix Prefix, PortRule? Port) : IComparable<Destination>
{
    /// <summary>Stable text identity: <c>203.0.113.7/32</c> or <c>203.0.113.7/32 tcp/443</c>.</summary>
    public string Key => Port is { } p ? $"{Prefix} {p}" : Prefix.ToString();

    /// <summary>Parses a <see cref="Key"/>.</summary>
    public static Destination ParseKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return new Destination(IpPrefix.Parse(key), null);
        }

        var prefix = IpPrefix.Parse(key[..space]);
        var rule = PortRules.Parse(key[(space + 1)..]);
        return new Destination(prefix, rule);
    }

    /// <summary>Orders by prefix, then all-ports first, then port rule.</summary>
    public int CompareTo(Destination other)
    {
        var c = Prefix.CompareTo(other.Prefix);
        if (c != 0)
        {
            return c;
        }

        return (Port, other.Port) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            ({ } a, { } b) => a.CompareTo(b),
        };
    }

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator <(Destination left, Destination right) => left.CompareTo(right) < 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator <=(Destination left, Destination right) => left.CompareTo(right) <= 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator >(Destination left, Destination right) => left.CompareTo(right) > 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator >=(Destination left, Destination right) => left.CompareTo(right) >= 0;

    /// <summary>The destinations an allowance of <paramref name="prefix"/> with <paramref name="ports"/> contributes.</summary>
    public static IEnumerable<Destination> For(IpPrefix prefix, IReadOnlyList<PortRule> ports) =>
        ports.Count == 0 ? [new Destination(prefix, null)] : ports.Select(p => new Destination(prefix, p));
}
