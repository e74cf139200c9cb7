using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>Parses the configured name servers: <c>ADDRESS</c>, <c>ADDRESS:PORT</c> or <c>[IPv6]:PORT</c> (port 53 by default).</summary>
public static class NameServerAddress
{
    /// <summary>Parses one name server; false when it is not an address with an optional port.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out IPEndPoint? endpoint)
    {
        endpoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (IPAddress.TryParse(text, out var bare) && !text.StartsWith('['))
        {
            endpoint = new IPEndPoint(bare, 53);
            return true;
        }

        if (IPEndPoint.TryParse(text, out var parsed) && parsed.Port > 0
            && (parsed.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || text.StartsWith('[')))
        {
            endpoint = parsed;
            return true;
        }

        return false;
    }

    /// <summary>Parses a list that was validated at start.</summary>
    public static IReadOnlyList<IPEndPoint> ParseAll(IEnumerable<string> texts) =>
        texts.Select(t => TryParse(t, out var e) ? e : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"'{t}' is not a name server"))).ToList();
}
