using System.Globalization;
using System.Net;

namespace OutputGuard.Testing;

/// <summary>
/// Three namespaces: a client (10.10.0.2, fd10::2) routed via the gateway; the gateway (10.10.0.1, forwarding on);
/// "the internet" (192.0.2.2) with servers on documentation addresses and no route back to the client (so only
/// masqueraded traffic gets answers). The gateway also has a link to the root namespace, where the control plane
/// listens. The one lab of the gateway's and the route agent's end-to-end tests and of the gateway benchmark;
/// every namespace and the root link go on dispose, even after a failure.
/// </summary>
public sealed class Lab : IDisposable
{
    public static readonly IPAddress Allowed = IPAddress.Parse("203.0.113.10");
    public static readonly IPAddress Unlisted = IPAddress.Parse("203.0.113.11");
    public static readonly IPAddress PortRestricted = IPAddress.Parse("203.0.113.12");
    public static readonly IPAddress NetHost = IPAddress.Parse("198.51.100.20");
    public static readonly IPAddress Allowed6 = IPAddress.Parse("2001:db8:2::10");
    public static readonly IPAddress GatewayOutside = IPAddress.Parse("192.0.2.1");
    public const string TreatAsPublic = "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32";

    /// <summary>The gateway's address on the client link (the client's next hop).</summary>
    public static readonly IPAddress GatewayInside = IPAddress.Parse("10.10.0.1");

    /// <summary>The client link's range.</summary>
    public const string ClientRange = "10.10.0.0/24";

    private readonly List<TinyHttpServer> _servers = [];

    /// <summary>
    /// Builds the lab. With <paramref name="clientDefaultRoute"/> false the client has no default route: its only way
    /// to a public address is a route someone installs (the route agent).
    /// </summary>
    public Lab(bool clientDefaultRoute = true)
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        Client = $"og-gc-{id}";
        Gateway = $"og-gg-{id}";
        Internet = $"og-gi-{id}";
        RootLink = $"og-r{id}";
        var block = Random.Shared.Next(0, 1 << 14) * 4;
        RootAddress = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"172.{30 + (block >> 16)}.{(block >> 8) & 255}.{(block & 255) + 1}"));
        GatewayControlAddress = IPAddress.Parse(string.Create(CultureInfo.InvariantCulture, $"172.{30 + (block >> 16)}.{(block >> 8) & 255}.{(block & 255) + 2}"));
        try
        {
            Build(clientDefaultRoute);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Client { get; }

    public string Gateway { get; }

    public string Internet { get; }

    public string RootLink { get; }

    /// <summary>The root namespace's end of the link to the gateway (the control plane listens here).</summary>
    public IPAddress RootAddress { get; }

    /// <summary>The gateway's end of that link (its metrics are reached here).</summary>
    public IPAddress GatewayControlAddress { get; }

    /// <summary>Starts an HTTP server in the internet namespace.</summary>
    public TinyHttpServer Serve(IPAddress address, int port)
    {
        var server = new TinyHttpServer(Internet, address, port);
        _servers.Add(server);
        return server;
    }

    /// <summary>Removes the gateway's table (as a reboot would), so that only the state file can restore it.</summary>
    public void Dispose_Table() => Tool.TryRun("ip", "netns", "exec", Gateway, "nft", "delete", "table", "inet", "outputguard");

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            s.Dispose();
        }

        Tool.TryRun("ip", "link", "del", RootLink);
        foreach (var ns in new[] { Client, Gateway, Internet })
        {
            Tool.TryRun("ip", "netns", "del", ns);
        }
    }

    private void Build(bool clientDefaultRoute)
    {
        foreach (var ns in new[] { Client, Gateway, Internet })
        {
            Tool.Run("ip", "netns", "add", ns);
            Tool.In(ns, "ip", "link", "set", "lo", "up");
        }

        Tool.In(Gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Tool.In(Gateway, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");

        // client <-> gateway
        Veth((Client, "c0", "10.10.0.2/24", "fd10::2/64"), (Gateway, "g0", "10.10.0.1/24", "fd10::1/64"));
        if (clientDefaultRoute)
        {
            Tool.In(Client, "ip", "route", "add", "default", "via", "10.10.0.1");
            Tool.In(Client, "ip", "-6", "route", "add", "default", "via", "fd10::1");
        }

        // gateway <-> internet
        Veth((Gateway, "g1", "192.0.2.1/24", "2001:db8:1::1/64"), (Internet, "i0", "192.0.2.2/24", "2001:db8:1::2/64"));
        foreach (var a in new[] { Allowed, Unlisted, PortRestricted, NetHost })
        {
            Tool.In(Internet, "ip", "addr", "add", $"{a}/32", "dev", "lo");
        }

        Tool.In(Internet, "ip", "addr", "add", $"{Allowed6}/128", "dev", "lo", "nodad");
        Tool.In(Gateway, "ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2");
        Tool.In(Gateway, "ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.2");
        Tool.In(Gateway, "ip", "-6", "route", "add", "2001:db8:2::/64", "via", "2001:db8:1::2");

        // root <-> gateway (control plane, metrics)
        Tool.Run("ip", "link", "add", RootLink, "type", "veth", "peer", "name", "g2", "netns", Gateway);
        Tool.Run("ip", "addr", "add", $"{RootAddress}/30", "dev", RootLink);
        Tool.In(Gateway, "ip", "addr", "add", $"{GatewayControlAddress}/30", "dev", "g2");
        Tool.Run("ip", "link", "set", RootLink, "up");
        Tool.In(Gateway, "ip", "link", "set", "g2", "up");
    }

    // A veth pair between two namespaces, each end with an IPv4 and an IPv6 address (no DAD), both ends up.
    private static void Veth((string Netns, string Name, string V4, string V6) a, (string Netns, string Name, string V4, string V6) b)
    {
        Tool.Run("ip", "link", "add", a.Name, "netns", a.Netns, "type", "veth", "peer", "name", b.Name, "netns", b.Netns);
        foreach (var end in new[] { a, b })
        {
            Tool.In(end.Netns, "ip", "addr", "add", end.V4, "dev", end.Name);
            Tool.In(end.Netns, "ip", "addr", "add", end.V6, "dev", end.Name, "nodad");
        }

        foreach (var end in new[] { a, b })
        {
            Tool.In(end.Netns, "ip", "link", "set", end.Name, "up");
        }
    }
}
