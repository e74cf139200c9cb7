using System.Diagnostics.CodeAnalysis;

namespace OutputGuard.Addressing;

/// <summary>
/// One allowed destination, the same value in the control plane's desired state and the gateway's kernel sets: a
/// public prefix, with a port rule or for every port of every protocol. Its one text form (<see cref="ToString"/>,
/// read back by <see cref="TryParse"/>) is <c>203.0.113.7/32</c> or <c>203.0.113.7/32 tcp/443</c>; it is the
/// store's key. The wire's fields are read by <see cref="TryCreate"/>.
/// </summary>
/// <param name="Prefix">The destination prefix (a host prefix for a single address).</param>
/// <param name="Port">The protocol and port range, or null for every port of every protocol.</param>
public readonly record struct Destination(IpPrefix Prefix, PortRule? Port) : IComparable<Destination>
{
    /// <summary>Longest text <see cref="TryParse"/> reads (an IPv6 prefix with a port range is about 60 characters).</summary>
    public const int MaxTextLength = 100;

    /// <summary>Whether every port of every protocol is allowed.</summary>
    public bool AllPorts => Port is null;

    /// <summary>Every port of <paramref name="prefix"/>.</summary>
    public static Destination Any(IpPrefix prefix) => new(prefix, null);

    /// <summary>The destinations an allowance of <paramref name="prefix"/> with <paramref name="ports"/> contributes.</summary>
    public static IEnumerable<Destination> For(IpPrefix prefix, IReadOnlyList<PortRule> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        return ports.Count == 0 ? [Any(prefix)] : ports.Select(p => new Destination(prefix, p));
    }

    /// <summary>Reads the text form; throws <see cref="FormatException"/> naming the problem.</summary>
    public static Destination Parse(string text) =>
        TryParse(text, out var destination, out var error) ? destination : throw new FormatException(error);

    /// <summary>
    /// Reads the text form <see cref="ToString"/> writes: the prefix as <see cref="IpPrefix.TryParse"/> reads it (host
    /// bits clear; a bare address is a host), then, after one space, a port rule in its canonical spelling. On failure
    /// <paramref name="error"/> names the problem. (Callers that must refuse other spellings of the prefix, like the
    /// wire and the state file, compare with <see cref="ToString"/>.)
    /// </summary>
    public static bool TryParse(string? text, out Destination destination, [NotNullWhen(false)] out string? error)
    {
        destination = default;
        if (string.IsNullOrEmpty(text) || text.Length > MaxTextLength)
        {
            error = $"a destination is 1 to {MaxTextLength} characters like 203.0.113.7/32 or 203.0.113.7/32 tcp/443";
            return false;
        }

        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var prefixText = space < 0 ? text : text[..space];
        if (!IpPrefix.TryParse(prefixText, out var prefix, out var prefixError))
        {
            error = $"destination '{text}': {prefixError}";
            return false;
        }

        if (space < 0)
        {
            destination = Any(prefix);
            error = null;
            return true;
        }

        if (!PortRule.TryParse(text.AsSpan(space + 1), out var rule))
        {
            error = $"destination '{text}': '{text[(space + 1)..]}' is not a port rule like tcp/443 or udp/8000-8100";
            return false;
        }

        destination = new Destination(prefix, rule);
        error = null;
        return true;
    }

    /// <summary>
    /// A destination from the wire's fields, range-checked: protocol 0 (every port of every protocol) without
    /// ports, or 6 (tcp) or 17 (udp) with ports 1–65535 in order. Anything else is refused as a whole, never
    /// widened (protocol 256 is not "any") nor narrowed; <paramref name="error"/> says why.
    /// </summary>
    public static bool TryCreate(IpPrefix prefix, long protocol, long portFrom, long portTo, out Destination destination, [NotNullWhen(false)] out string? error)
    {
        destination = default;
        if (protocol == 0)
        {
            if (portFrom != 0 || portTo != 0)
            {
                error = $"ports {portFrom}-{portTo} without a protocol";
                return false;
            }

            destination = Any(prefix);
            error = null;
            return true;
        }

        if (protocol is not ((long)L4Protocol.Tcp or (long)L4Protocol.Udp))
        {
            error = $"protocol {protocol} is not 0 (any), 6 (tcp) or 17 (udp)";
            return false;
        }

        if (portFrom is < 1 or > ushort.MaxValue || portTo is < 1 or > ushort.MaxValue || portFrom > portTo)
        {
            error = $"port range {portFrom}-{portTo} is not within 1-65535 in order";
            return false;
        }

        destination = new Destination(prefix, new PortRule((L4Protocol)protocol, (int)portFrom, (int)portTo));
        error = null;
        return true;
    }

    /// <summary>The text form: <c>203.0.113.7/32</c> or <c>203.0.113.7/32 tcp/443</c>.</summary>
    public override string ToString() => Port is { } p ? $"{Prefix} {p}" : Prefix.ToString();

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
}
