using System.Globalization;

namespace OutputGuard.Addressing;

/// <summary>
/// A protocol and an inclusive port range: <c>tcp/443</c>, <c>udp/53</c>, <c>tcp/8000-8100</c>.
/// </summary>
public readonly record struct PortRule(L4Protocol Protocol, int From, int To) : IComparable<PortRule>
{
    /// <summary>Canonical text, "tcp/443" or "tcp/8000-8100".</summary>
    public override string ToString()
    {
        var proto = Protocol == L4Protocol.Tcp ? "tcp" : "udp";
        return From == To
            ? string.Create(CultureInfo.InvariantCulture, $"{proto}/{From}")
            : string.Create(CultureInfo.InvariantCulture, $"{proto}/{From}-{To}");
    }

    /// <summary>
    /// Reads the canonical text <see cref="ToString"/> writes, and nothing else: lower-case <c>tcp</c> or <c>udp</c>,
    /// ports 1–65535 in order without leading zeros, a range only when it spans more than one port. (Operators'
    /// spellings are read, with hints, by the control plane's entry validation.)
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out PortRule rule)
    {
        rule = default;
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            return false;
        }

        var protocol = text[..slash] switch
        {
            "tcp" => L4Protocol.Tcp,
            "udp" => L4Protocol.Udp,
            _ => L4Protocol.Any,
        };
        var ports = text[(slash + 1)..];
        var dash = ports.IndexOf('-');
        if (protocol == L4Protocol.Any
            || !TryPort(dash < 0 ? ports : ports[..dash], out var from)
            || !TryPort(dash < 0 ? ports : ports[(dash + 1)..], out var to)
            || from > to)
        {
            return false;
        }

        var parsed = new PortRule(protocol, from, to);
        if (!text.SequenceEqual(parsed.ToString()))
        {
            return false;
        }

        rule = parsed;
        return true;
    }

    /// <summary>Orders by protocol, then first port, then last port.</summary>
    public int CompareTo(PortRule other)
    {
        var c = Protocol.CompareTo(other.Protocol);
        if (c != 0)
        {
            return c;
        }

        c = From.CompareTo(other.From);
        return c != 0 ? c : To.CompareTo(other.To);
    }

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator <(PortRule left, PortRule right) => left.CompareTo(right) < 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator <=(PortRule left, PortRule right) => left.CompareTo(right) <= 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator >(PortRule left, PortRule right) => left.CompareTo(right) > 0;

    /// <summary>Orders like <see cref="CompareTo"/>.</summary>
    public static bool operator >=(PortRule left, PortRule right) => left.CompareTo(right) >= 0;

    private static bool TryPort(ReadOnlySpan<char> text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535;
}
