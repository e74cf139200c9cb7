using System.Globalization;
using System.Net;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>
/// Three namespaces: a client (10.10.0.2, fd10::2) routed via the gateway; the gateway (forwarding on); "the
/// internet" with servers on documentation addresses and no route back to the client (so only masqueraded
/// traffic gets answers). The gateway also has a link to the root namespace, where the control plane listens.
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

    private readonly List<TinyHttpServer> _servers = [];

    public Lab()
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
            Build();
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
    public void Dispose_Table() => Shell.TryRun("ip", "netns", "exec", Gateway, "nft", "delete", "table", "inet", "outputguard");

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            s.Dispose();
        }

        Shell.TryRun("ip", "link", "del", RootLink);
        foreach (var ns in new[] { Client, Gateway, Internet })
        {
            Shell.TryRun("ip", "netns", "del", ns);
        }
    }

    private void Build()
    {
        foreach (var ns in new[] { Client, Gateway, Internet })
        {
            Shell.Run("ip", "netns", "add", ns);
            Shell.In(ns, "ip", "link", "set", "lo", "up");
        }

        Shell.In(Gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        Shell.In(Gateway, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");

        // client <-> gateway
        Shell.Run("ip", "link", "add", "c0", "netns", Client, "type", "veth", "peer", "name", "g0", "netns", Gateway);
        Shell.In(Client, "ip", "addr", "add", "10.10.0.2/24", "dev", "c0");
        Shell.In(Client, "ip", "addr", "add", "fd10::2/64", "dev", "c0", "nodad");
        Shell.In(Gateway, "ip", "addr", "add", "10.10.0.1/24", "dev", "g0");
        Shell.In(Gateway, "ip", "addr", "add", "fd10::1/64", "dev", "g0", "nodad");
        Shell.In(Client, "ip", "link", "set", "c0", "up");
        Shell.In(Gateway, "ip", "link", "set", "g0", "up");
        Shell.In(Client, "ip", "route", "add", "default", "via", "10.10.0.1");
        Shell.In(Client, "ip", "-6", "route", "add", "default", "via", "fd10::1");

        // gateway <-> internet
        Shell.Run("ip", "link", "add", "g1", "netns", Gateway, "type", "veth", "peer", "name", "i0", "netns", Internet);
        Shell.In(Gateway, "ip", "addr", "add", "192.0.2.1/24", "dev", "g1");
        Shell.In(Gateway, "ip", "addr", "add", "2001:db8:1::1/64", "dev", "g1", "nodad");
        Shell.In(Internet, "ip", "addr", "add", "192.0.2.2/24", "dev", "i0");
        Shell.In(Internet, "ip", "addr", "add", "2001:db8:1::2/64", "dev", "i0", "nodad");
        Shell.In(Gateway, "ip", "link", "set", "g1", "up");
        Shell.In(Internet, "ip", "link", "set", "i0", "up");
        foreach (var a in new[] { Allowed, Unlisted, PortRestricted, NetHost })
        {
            Shell.In(Internet, "ip", "addr", "add", $"{a}/32", "dev", "lo");
        }

        Shell.In(Internet, "ip", "addr", "add", $"{Allowed6}/128", "dev", "lo", "nodad");
        Shell.In(Gateway, "ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2");
        Shell.In(Gateway, "ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.2");
        Shell.In(Gateway, "ip", "-6", "route", "add", "2001:db8:2::/64", "via", "2001:db8:1::2");

        // root <-> gateway (control plane, metrics)
        Shell.Run("ip", "link", "add", RootLink, "type", "veth", "peer", "name", "g2", "netns", Gateway);
        Shell.Run("ip", "addr", "add", $"{RootAddress}/30", "dev", RootLink);
        Shell.In(Gateway, "ip", "addr", "add", $"{GatewayControlAddress}/30", "dev", "g2");
        Shell.Run("ip", "link", "set", RootLink, "up");
        Shell.In(Gateway, "ip", "link", "set", "g2", "up");
    }
}
