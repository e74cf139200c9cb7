using System.Globalization;
using System.Net;
using OutputGuard.Agent.Gateway.Configuration;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>The DNS proxy's settings, parsed from <see cref="GatewayOptions"/> once they are valid.</summary>
public sealed record DnsProxySettings
{
    /// <summary>The default DNS port.</summary>
    public const int DnsPort = 53;

    /// <summary>Where the proxy listens (UDP and TCP); empty: no proxy.</summary>
    public IReadOnlyList<IPEndPoint> Listen { get; init; } = [];

    /// <summary>The upstream resolvers, asked in order.</summary>
    public IReadOnlyList<IPEndPoint> Upstreams { get; init; } = [];

    /// <summary>Whether the clients' DNS to public resolvers is redirected to the proxy.</summary>
    public bool Redirect { get; init; }

    /// <summary>How long a learned address stays allowed after its TTL.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Addresses per wildcard entry.</summary>
    public int WildcardCap { get; init; } = 1024;

    /// <summary>Addresses per exact entry.</summary>
    public int NameCap { get; init; } = 256;

    /// <summary>How long one upstream is waited for.</summary>
    public TimeSpan UpstreamTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether a proxy runs.</summary>
    public bool Enabled => Listen.Count > 0;

    /// <summary>The redirect targets: the first listen address of each family.</summary>
    public IReadOnlyList<IPEndPoint> RedirectTargets => Redirect
        ? [.. Listen.GroupBy(l => l.AddressFamily).Select(g => g.First())]
        : [];

    /// <summary>The settings of valid <paramref name="options"/>; the upstreams default to <paramref name="resolvConf"/>'s nameservers.</summary>
    public static DnsProxySettings From(GatewayOptions options, string resolvConf = "/etc/resolv.conf")
    {
        ArgumentNullException.ThrowIfNull(options);
        var upstreams = options.DnsUpstream.Count > 0
            ? options.DnsUpstream.Select(u => ParseUpstream(u)!).ToList()
            : options.DnsListen.Count > 0 ? HostResolvers(resolvConf) : [];
        return new DnsProxySettings
        {
            Listen = [.. options.DnsListen.Select(IPEndPoint.Parse)],
            Upstreams = upstreams,
            Redirect = options.DnsRedirect,
            Grace = TimeSpan.FromSeconds(options.DnsGraceS),
            WildcardCap = options.DnsWildcardCap,
            NameCap = options.DnsNameCap,
            UpstreamTimeout = TimeSpan.FromMilliseconds(options.DnsUpstreamTimeoutMs),
        };
    }

    /// <summary>The nameservers of a resolv.conf file (port 53); empty when it has none or cannot be read.</summary>
    public static List<IPEndPoint> HostResolvers(string resolvConf)
    {
        try
        {
            return [.. File.ReadLines(resolvConf)
                .Select(l => l.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                .Where(f => f.Length >= 2 && f[0] == "nameserver" && IPAddress.TryParse(f[1].Split('%')[0], out _))
                .Select(f => new IPEndPoint(IPAddress.Parse(f[1].Split('%')[0]), DnsPort))
                .Take(8)];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>An upstream <c>ADDRESS</c>, <c>ADDRESS:PORT</c> or <c>[IPv6]:PORT</c>; null when it is none.</summary>
    public static IPEndPoint? ParseUpstream(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IPAddress.TryParse(text, out var bare) && !text.StartsWith('['))
        {
            return new IPEndPoint(bare, DnsPort);
        }

        return IPEndPoint.TryParse(text, out var ep) && ep.Port != 0 ? ep : null;
    }

    /// <summary>Adds a message naming the key for every bad DNS setting of <paramref name="options"/>.</summary>
    public static void Validate(GatewayOptions options, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(errors);
        for (var i = 0; i < options.DnsListen.Count; i++)
        {
            var text = options.DnsListen[i];
            if (!IPEndPoint.TryParse(text, out var ep) || ep.Port == 0 || !text.Contains(':', StringComparison.Ordinal))
            {
                errors.Add(Invariant($"dns_listen[{i}]: '{text}' is not ADDRESS:PORT (10.0.0.1:53, [fd00::1]:53)"));
            }
            else if (ep.Address.Equals(IPAddress.Any) || ep.Address.Equals(IPAddress.IPv6Any))
            {
                errors.Add(Invariant($"dns_listen[{i}]: '{text}' listens on every address; give the gateway's client-facing address, so that the proxy is never an open resolver"));
            }
        }

        for (var i = 0; i < options.DnsUpstream.Count; i++)
        {
            if (ParseUpstream(options.DnsUpstream[i]) is null)
            {
                errors.Add(Invariant($"dns_upstream[{i}]: '{options.DnsUpstream[i]}' is not ADDRESS, ADDRESS:PORT or [IPv6]:PORT"));
            }
        }

        if (options.DnsListen.Count > 0 && options.DnsUpstream.Count == 0 && HostResolvers("/etc/resolv.conf").Count == 0)
        {
            errors.Add("dns_upstream: none given, and /etc/resolv.conf names no nameserver; give the DNS proxy's upstream resolvers");
        }

        if (options.DnsRedirect && options.DnsListen.Count == 0)
        {
            errors.Add("dns_redirect: needs dns_listen (the proxy the clients' DNS is redirected to)");
        }

        if (options.DnsListen.Count > 0 && options.Netns is not null)
        {
            errors.Add("dns_listen: the DNS proxy runs in the agent's own network namespace; start the agent there (ip netns exec) instead of giving netns");
        }

        if (options.DnsGraceS is < 0 or > 86_400)
        {
            errors.Add(Invariant($"dns_grace_s: {options.DnsGraceS} is outside 0-86400"));
        }

        if (options.DnsWildcardCap is < 1 or > 1_000_000)
        {
            errors.Add(Invariant($"dns_wildcard_cap: {options.DnsWildcardCap} is outside 1-1000000"));
        }

        if (options.DnsNameCap is < 1 or > 1_000_000)
        {
            errors.Add(Invariant($"dns_name_cap: {options.DnsNameCap} is outside 1-1000000"));
        }

        if (options.DnsUpstreamTimeoutMs is < 100 or > 30_000)
        {
            errors.Add(Invariant($"dns_upstream_timeout_ms: {options.DnsUpstreamTimeoutMs} is outside 100-30000"));
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
