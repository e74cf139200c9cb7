using System.Globalization;
using System.Net;

namespace OutputGuard.ControlPlane.Configuration;

/// <summary>Parses listener addresses "HOST:PORT", "[::]:8081", ":8080" (all addresses); port 0 picks a free port.</summary>
public static class ListenAddress
{
    /// <summary>Parses; throws <see cref="ConfigurationException"/> naming <paramref name="key"/>.</summary>
    public static IPEndPoint Parse(string text, string key)
    {
        var t = (text ?? string.Empty).Trim();
        if (t.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            t = t["http://".Length..].TrimEnd('/');
        }

        var colon = t.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(t.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new ConfigurationException($"{key}: '{text}' is not HOST:PORT (e.g. 0.0.0.0:8080, [::]:8081, 127.0.0.1:0)");
        }

        var host = t[..colon].Trim('[', ']');
        if (host.Length == 0 || host == "*")
        {
            return new IPEndPoint(IPAddress.IPv6Any, port);
        }

        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            throw new ConfigurationException($"{key}: '{host}' is not an IP address to listen on");
        }

        return new IPEndPoint(address, port);
    }
}
