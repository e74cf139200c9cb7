using System.Globalization;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// One published destination as the gateway enforces it: a prefix and, optionally, a protocol with a port range.
/// <see cref="Protocol"/> 0 means every port of every protocol.
/// </summary>
/// <param name="Prefix">The destination prefix (a host is /32 or /128).</param>
/// <param name="Protocol">The IANA protocol number (6, 17) or 0 for any.</param>
/// <param name="PortFrom">First port (inclusive); 0 when <paramref name="Protocol"/> is 0.</param>
/// <param name="PortTo">Last port (inclusive); 0 when <paramref name="Protocol"/> is 0.</param>
public readonly record struct AllowedDestination(IpPrefix Prefix, byte Protocol, ushort PortFrom, ushort PortTo)
{
    /// <summary>Whether every port of every protocol is allowed.</summary>
    public bool AllPorts => Protocol == 0;

    /// <summary>Every port of <paramref name="prefix"/>.</summary>
    public static AllowedDestination Any(IpPrefix prefix) => new(prefix, 0, 0, 0);

    /// <summary>
    /// Reads the text form <c>PREFIX</c> or <c>PREFIX PROTO FROM TO</c> (as the state file holds it).
    /// </summary>
    public static bool TryParse(string text, out AllowedDestination destination)
    {
        destination = default;
        var parts = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (1 or 4) || !IpPrefix.TryParse(parts[0], out var prefix, out _))
        {
            return false;
        }

        if (parts.Length == 1)
        {
            destination = Any(prefix);
            return true;
        }

        if (!byte.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var proto)
            || !ushort.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var from)
            || !ushort.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var to)
            || from > to)
        {
            return false;
        }

        destination = proto == 0 ? Any(prefix) : new AllowedDestination(prefix, proto, from, to);
        return true;
    }

    /// <summary>The text form that <see cref="TryParse"/> reads.</summary>
    public override string ToString() => AllPorts
        ? Prefix.ToString()
        : string.Create(CultureInfo.InvariantCulture, $"{Prefix} {Protocol} {PortFrom} {PortTo}");
}
