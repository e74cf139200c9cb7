using System.Net;

namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>
/// Client, gateway and "internet" namespaces. The client (10.77.0.1) has no default route: its only way to a
/// public address is a route the route agent installs via the gateway (10.77.0.2). The gateway forwards to the
/// internet (192.0.2.2), where 203.0.113.10 (allowed) and 198.51.100.10 (unlisted) listen on port 80. The
/// internet has no route back to the client: replies come only to the gateway's masquerading address.
/// </summary>
public sealed class EndToEndLab : IDisposable
{
    public static readonly IPAddress Allowed = IPAddress.Parse("203.0.113.10");
    public static readonly IPAddress Unlisted = IPAddress.Parse("198.51.100.10");
    public static readonly IPAddress GatewayOutside = IPAddress.Parse("192.0.2.1");
    private readonly List<TinyServer> _servers = [];

    public EndToEndLab()
    {
        var id = Guid.NewGuid().ToString("N")[..7];
        Client = $"og-rt-{id}c";
        Gateway = $"og-rt-{id}g";
        Internet = $"og-rt-{id}i";
        try
        {
            foreach (var ns in new[] { Client, Gateway, Internet })
            {
                Tool.Run("ip", "netns", "add", ns);
                RouteLab.Ip(ns, "link", "set", "lo", "up");
            }

            Tool.In(Gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            RouteLab.Ip(Client, "link", "add", "eth0", "type", "veth", "peer", "name", "c0", "netns", Gateway);
            RouteLab.Ip(Client, "addr", "add", "10.77.0.1/24", "dev", "eth0");
            RouteLab.Ip(Client, "link", "set", "eth0", "up");
            RouteLab.Ip(Gateway, "addr", "add", "10.77.0.2/24", "dev", "c0");
            RouteLab.Ip(Gateway, "link", "set", "c0", "up");
            RouteLab.Ip(Gateway, "link", "add", "i0", "type", "veth", "peer", "name", "eth0", "netns", Internet);
            RouteLab.Ip(Gateway, "addr", "add", "192.0.2.1/24", "dev", "i0");
            RouteLab.Ip(Gateway, "link", "set", "i0", "up");
            RouteLab.Ip(Internet, "addr", "add", "192.0.2.2/24", "dev", "eth0");
            RouteLab.Ip(Internet, "link", "set", "eth0", "up");
            RouteLab.Ip(Internet, "addr", "add", $"{Allowed}/32", "dev", "lo");
            RouteLab.Ip(Internet, "addr", "add", $"{Unlisted}/32", "dev", "lo");
            RouteLab.Ip(Gateway, "route", "add", "203.0.113.0/24", "via", "192.0.2.2");
            RouteLab.Ip(Gateway, "route", "add", "198.51.100.0/24", "via", "192.0.2.2");
            _servers.Add(AllowedServer = new TinyServer(Internet, Allowed, 80));
            _servers.Add(UnlistedServer = new TinyServer(Internet, Unlisted, 80));
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

    public TinyServer AllowedServer { get; } = null!;

    public TinyServer UnlistedServer { get; } = null!;

    public void Dispose()
    {
        foreach (var s in _servers)
        {
            s.Dispose();
        }

        foreach (var ns in new[] { Client, Gateway, Internet })
        {
            Tool.TryRun("ip", "netns", "del", ns);
        }
    }
}
