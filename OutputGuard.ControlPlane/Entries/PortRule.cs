using System.Globalization;

namespace OutputGuard.ControlPlane.Entries;

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
}
