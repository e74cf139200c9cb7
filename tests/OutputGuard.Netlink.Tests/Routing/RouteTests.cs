using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Routing;

/// <summary>Routes the library writes, <c>ip -j route</c> shows exactly; routes <c>ip</c> writes, the library reads back.</summary>
public sealed class RouteTests : IDisposable
{
    private readonly VethNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Route_with_table_protocol_and_metric_written_by_the_library_is_listed_by_ip()
    {
        _ns.Rtnl.RouteAdd(new Route
        {
            Destination = IpPrefix.Parse("198.51.100.0/24"),
            Gateway = IPAddress.Parse("10.88.0.2"),
            LinkIndex = _ns.A.Index,
            Table = 100,
            Protocol = 99,
            Metric = 50,
        });

        var route = Assert.Single(IpRoutes("-4", "table", "100"));
        Assert.Equal("198.51.100.0/24", route.GetProperty("dst").GetString());
        Assert.Equal("10.88.0.2", route.GetProperty("gateway").GetString());
        Assert.Equal("va", route.GetProperty("dev").GetString());
        Assert.Equal("99", route.GetProperty("protocol").GetString());
        Assert.Equal(50, route.GetProperty("metric").GetInt32());
    }

    [Fact]
    public void Multipath_route_written_by_the_library_is_listed_by_ip_with_its_next_hops()
    {
        _ns.Rtnl.RouteAdd(new Route
        {
            Destination = IpPrefix.Parse("203.0.113.0/24"),
            Protocol = 99,
            NextHops = [new NextHop(IPAddress.Parse("10.88.0.2"), _ns.A.Index, 1), new NextHop(IPAddress.Parse("10.88.0.3"), _ns.A.Index, 3)],
        });

        var route = Assert.Single(IpRoutes("-4", "proto", "99"));
        Assert.Equal("203.0.113.0/24", route.GetProperty("dst").GetString());
        var hops = route.GetProperty("nexthops").EnumerateArray()
            .Select(h => (h.GetProperty("gateway").GetString(), h.GetProperty("dev").GetString(), h.GetProperty("weight").GetInt32()));
        Assert.Equal([("10.88.0.2", "va", 1), ("10.88.0.3", "va", 3)], hops);
    }

    [Fact]
    public void Ipv6_route_written_by_the_library_is_listed_by_ip()
    {
        _ns.Rtnl.RouteAdd(new Route
        {
            Destination = IpPrefix.Parse("2001:db8:5::/48"),
            Gateway = IPAddress.Parse("fd00:88::2"),
            LinkIndex = _ns.A.Index,
            Protocol = 99,
            Metric = 7,
        });

        var route = Assert.Single(IpRoutes("-6", "proto", "99"));
        Assert.Equal(("2001:db8:5::/48", "fd00:88::2", "va", 7), (
            route.GetProperty("dst").GetString(), route.GetProperty("gateway").GetString(),
            route.GetProperty("dev").GetString(), route.GetProperty("metric").GetInt32()));
    }

    [Fact]
    public void Replaced_route_takes_the_new_gateway_and_deleted_route_is_gone()
    {
        var route = new Route { Destination = IpPrefix.Parse("198.51.100.0/24"), Gateway = IPAddress.Parse("10.88.0.2"), Protocol = 99 };
        _ns.Rtnl.RouteAdd(route);
        Assert.Equal("EEXIST", Assert.Throws<NetlinkException>(() => _ns.Rtnl.RouteAdd(route)).ErrnoName);

        _ns.Rtnl.RouteReplace(route with { Gateway = IPAddress.Parse("10.88.0.3") });
        Assert.Equal("10.88.0.3", Assert.Single(IpRoutes("-4", "proto", "99")).GetProperty("gateway").GetString());

        _ns.Rtnl.RouteDel(route with { Gateway = null });
        Assert.Empty(IpRoutes("-4", "proto", "99"));
    }

    [Fact]
    public void Multipath_route_written_by_ip_is_read_back_with_its_next_hops()
    {
        Tool.In(_ns.Name, "ip", "route", "add", "192.0.2.0/24", "proto", "99", "metric", "20",
            "nexthop", "via", "10.88.0.2", "weight", "2", "nexthop", "via", "10.88.0.4", "weight", "5");
        Tool.In(_ns.Name, "ip", "route", "add", "2001:db8:9::/64", "via", "fd00:88::9", "proto", "99", "table", "300");

        var v4 = Assert.Single(_ns.Rtnl.RouteListFiltered(AddressFamily.InterNetwork, new RouteFilter { Protocol = 99 }));
        Assert.Equal((IpPrefix.Parse("192.0.2.0/24"), 254u, (uint?)20), (v4.Destination, v4.Table, v4.Metric));
        Assert.Equal([new NextHop(IPAddress.Parse("10.88.0.2"), _ns.A.Index, 2), new NextHop(IPAddress.Parse("10.88.0.4"), _ns.A.Index, 5)], v4.NextHops);

        var v6 = Assert.Single(_ns.Rtnl.RouteListFiltered(AddressFamily.InterNetworkV6, new RouteFilter { Protocol = 99, Table = 300 }));
        Assert.Equal((IpPrefix.Parse("2001:db8:9::/64"), IPAddress.Parse("fd00:88::9"), _ns.A.Index), (v6.Destination, v6.Gateway, v6.LinkIndex));
    }

    [Fact]
    public void Main_table_listed_by_the_library_matches_ip_route()
    {
        Tool.In(_ns.Name, "ip", "route", "add", "192.0.2.0/24", "via", "10.88.0.2", "proto", "static");

        var mine = _ns.Rtnl.RouteListFiltered(AddressFamily.InterNetwork, new RouteFilter { Table = 254 })
            .Select(r => r.Destination.ToString()).Order();
        var ip = IpRoutes("-4").Select(r => r.GetProperty("dst").GetString() is "default" ? "0.0.0.0/0" : r.GetProperty("dst").GetString()!)
            .Select(d => d.Contains('/', StringComparison.Ordinal) ? d : d + "/32").Order();
        Assert.Equal(ip, mine);
    }

    /// <summary><c>ip -N -j -4|-6 route show [selectors]</c>.</summary>
    private List<JsonElement> IpRoutes(string family, params string[] selectors) =>
        NftOracle.Json(Tool.In(_ns.Name, "ip", ["-N", "-j", family, "route", "show", .. selectors])).EnumerateArray().ToList();
}
