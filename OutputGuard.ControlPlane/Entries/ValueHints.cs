using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// Recognises the things people paste into <c>entry.value</c> that are not a domain, an IP or a CIDR but
/// contain one — a URL, a host with a port, a host with a path, several values in one — and says how to write
/// them instead (<c>http://example.com</c>: drop the scheme; <c>example.com:443</c>: put the port in ports as
/// <c>tcp/443</c>).
/// </summary>
public static partial class ValueHints
{
    /// <summary>The refusal for <paramref name="text"/> when it has one of those shapes, else null.</summary>
    public static string? Describe(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains("://", StringComparison.Ordinal))
        {
            return DescribeUrl(text);
        }

        if (text.IndexOfAny([' ', ',', ';', '\t', '\n']) >= 0)
        {
            return $"entry.value '{text}' holds several values; an entry is one domain, IP or CIDR: create one entry for each";
        }

        if (HostAndPort().Match(text) is { Success: true } hostPort)
        {
            var host = hostPort.Groups["host"].Value.Trim('[', ']');
            return PortHint(text, host, hostPort.Groups["port"].Value, "has a port; put");
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && !EntryValidator.LooksLikeAddress(text[..slash]) && !IPAddress.TryParse(text[..slash], out _))
        {
            return $"entry.value '{text}' has a path ('{text[slash..]}'); an entry allows a whole host: use \"value\": \"{text[..slash]}\"";
        }

        return null;
    }

    private static string DescribeUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return $"entry.value '{text}' looks like a URL; drop the scheme (and any path): an entry is a domain, an IP or a CIDR, as in \"example.com\"";
        }

        var host = uri.HostNameType == UriHostNameType.IPv6 ? uri.Host.Trim('[', ']') : uri.Host;
        var scheme = uri.Scheme + "://";
        if (!uri.IsDefaultPort || HasExplicitPort(text, uri))
        {
            return PortHint(
                text, host, uri.Port.ToString(CultureInfo.InvariantCulture), $"is a URL; drop the scheme '{scheme}'{(uri.AbsolutePath.Length > 1 ? " and the path" : string.Empty)}, and put");
        }

        var implied = uri.Port > 0 ? string.Create(CultureInfo.InvariantCulture, $" (add \"ports\": [\"tcp/{uri.Port}\"] to allow only {uri.Scheme})") : string.Empty;
        return $"entry.value '{text}' is a URL; drop the scheme '{scheme}'{(uri.AbsolutePath.Length > 1 ? " and the path" : string.Empty)}: " +
            $"use \"value\": \"{host}\"{implied}";
    }

    private static bool HasExplicitPort(string text, Uri uri) =>
        text.AsSpan(text.IndexOf("://", StringComparison.Ordinal) + 3).StartsWith(uri.Authority + ":", StringComparison.OrdinalIgnoreCase);

    private static string PortHint(string text, string host, string port, string what) =>
        $"entry.value '{text}' {what} the port in ports as tcp/{port} (or udp/{port}): " +
        $"{{\"value\": \"{host}\", \"ports\": [\"tcp/{port}\"]}}";

    // "example.com:443", "203.0.113.5:443", "[2001:db8::1]:443", "*.example.com:8443".
    [GeneratedRegex(@"^(?<host>\[[0-9A-Fa-f:.]+\]|[^:\[\]/]+):(?<port>[0-9]{1,5})$")]
    private static partial Regex HostAndPort();
}
