using System.Net.Sockets;
using System.Text.Json;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>
/// Two fresh network namespaces joined by a veth pair: a client (10.77.0.1/24, 2001:db8:77::1/64 on eth0,
/// where the agent runs) and a gateway host (10.77.0.2 and 10.77.0.3, 2001:db8:77::2 on its eth0). The
/// documentation ranges count as public, as in every lab. Both namespaces go on dispose, even after a failure.
/// </summary>
public sealed class RouteLab : IDisposable
{
    public const string Gateway1 = "10.77.0.2";
    public const string Gateway2 = "10.77.0.3";
    public const string Gateway6 = "2001:db8:77::2";
    public const string Gateway6b = "2001:db8:77::3";

    public static readonly string[] LabPublic = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"];

    public RouteLab()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        Client = "og-rt-" + id + "c";
        GatewayHost = "og-rt-" + id + "g";
        Tool.Run("ip", "netns", "add", Client);
        Tool.Run("ip", "netns", "add", GatewayHost);
        try
        {
            Ip(Client, "link", "set", "lo", "up");
            Ip(GatewayHost, "link", "set", "lo", "up");
            Ip(Client, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns", GatewayHost);
            // No link-local address of its own: the kernel would add it (and its routes) at some moment after
            // "up", which makes "the routes did not change" comparisons race.
            Ip(Client, "link", "set", "eth0", "addrgenmode", "none");
            Ip(GatewayHost, "link", "set", "eth0", "addrgenmode", "none");
            Ip(Client, "addr", "add", "10.77.0.1/24", "dev", "eth0");
            Ip(Client, "-6", "addr", "add", "2001:db8:77::1/64", "dev", "eth0", "nodad");
            Ip(Client, "link", "set", "eth0", "up");
            Ip(GatewayHost, "addr", "add", Gateway1 + "/24", "dev", "eth0");
            Ip(GatewayHost, "addr", "add", Gateway2 + "/24", "dev", "eth0");
            Ip(GatewayHost, "-6", "addr", "add", Gateway6 + "/64", "dev", "eth0", "nodad");
            Ip(GatewayHost, "-6", "addr", "add", Gateway6b + "/64", "dev", "eth0", "nodad");
            Ip(GatewayHost, "link", "set", "eth0", "up");
            WaitForCarrier();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The namespace the agent works in.</summary>
    public string Client { get; }

    /// <summary>The namespace holding the gateway addresses.</summary>
    public string GatewayHost { get; }

    /// <summary>The public prefixes the agent should route in this lab.</summary>
    public static IReadOnlyList<IpPrefix> Expected(AddressFamily family, params string[] extraInternal) =>
        InternalRanges.Create(extraInternal.Select(IpPrefix.Parse), LabPublic.Select(IpPrefix.Parse)).PublicPrefixes(family);

    /// <summary>The routes <c>ip -j route show</c> lists in a namespace (numeric protocols).</summary>
    public static List<JsonElement> Routes(string netns, params string[] filter)
    {
        var json = Tool.Run("ip", ["-n", netns, "-j", "-N", .. filter]);
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json).RootElement.Clone().EnumerateArray().ToList();
    }

    /// <summary>Runs <c>ip -n NS …</c>.</summary>
    public static string Ip(string netns, params string[] args) => Tool.Run("ip", ["-n", netns, .. args]);

    /// <summary>The client's routes with a protocol number, as <c>ip -j -N route show proto N</c> lists them.</summary>
    public List<JsonElement> RoutesOf(int protocol, bool ipv6 = false) =>
        Routes(Client, ipv6 ? "-6" : "-4", "route", "show", "proto", protocol.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every route of the client in every table, as text, to compare before and after.</summary>
    public string AllRoutes() =>
        Ip(Client, "-N", "-4", "route", "show", "table", "all") + Ip(Client, "-N", "-6", "route", "show", "table", "all");

    /// <summary>A route's destination as a canonical prefix (ip prints host routes without "/32").</summary>
    public static string Dst(JsonElement route) => IpPrefix.Parse(route.GetProperty("dst").GetString()!).ToString();

    /// <summary>The gateways of a route from <c>ip -j route</c> (one, or every next hop's).</summary>
    public static List<string> GatewaysOf(JsonElement route) =>
        route.TryGetProperty("nexthops", out var hops)
            ? hops.EnumerateArray().Select(h => h.GetProperty("gateway").GetString()!).Order(StringComparer.Ordinal).ToList()
            : [route.GetProperty("gateway").GetString()!];

    /// <summary>Waits until both ends report carrier, so "before" snapshots don't race the "linkdown" flag.</summary>
    private void WaitForCarrier()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!(Up(Client) && Up(GatewayHost) && !Ip(Client, "route").Contains("linkdown", StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the lab's veth pair did not come up in 10 s");
            }

            Thread.Sleep(10);
        }

        static bool Up(string netns) =>
            JsonDocument.Parse(Ip(netns, "-j", "link", "show", "eth0")).RootElement[0].GetProperty("operstate").GetString() == "UP";
    }

    public void Dispose()
    {
        Tool.TryRun("ip", "netns", "del", Client);
        Tool.TryRun("ip", "netns", "del", GatewayHost);
    }
}
