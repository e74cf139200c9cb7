using System.Net;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Routing;

/// <summary>Links and addresses the library writes and reads agree with <c>ip -j link</c> / <c>ip -j addr</c>.</summary>
public sealed class LinkTests : IDisposable
{
    private readonly VethNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Links_listed_by_the_library_match_ip_link()
    {
        var ip = NftOracle.Json(Tool.In(_ns.Name, "ip", "-j", "-d", "link", "show")).EnumerateArray()
            .Select(l => (l.GetProperty("ifindex").GetInt32(), l.GetProperty("ifname").GetString()!, l.GetProperty("mtu").GetUInt32(),
                l.GetProperty("flags").EnumerateArray().Any(f => f.GetString() == "UP"),
                l.TryGetProperty("linkinfo", out var info) ? info.GetProperty("info_kind").GetString() : null))
            .OrderBy(l => l.Item1);
        var mine = _ns.Rtnl.LinkList().Select(l => (l.Index, l.Name, l.Mtu, l.IsUp, l.Kind)).OrderBy(l => l.Index);

        Assert.Equal(ip, mine);
        Assert.Contains(mine, l => l is { Name: "va", Kind: "veth", IsUp: true });
    }

    [Fact]
    public void Link_set_down_by_the_library_is_down_for_ip()
    {
        _ns.Rtnl.LinkSetDown(_ns.B.Index);

        var flags = NftOracle.Json(Tool.In(_ns.Name, "ip", "-j", "link", "show", "vb"))[0].GetProperty("flags").EnumerateArray().Select(f => f.GetString());
        Assert.DoesNotContain("UP", flags);
        Assert.False(_ns.Rtnl.LinkByName("vb").IsUp);
    }

    [Fact]
    public void Deleted_veth_pair_is_gone_with_both_ends()
    {
        _ns.Rtnl.LinkDel(_ns.A.Index);

        Assert.Equal(["lo"], NftOracle.Json(Tool.In(_ns.Name, "ip", "-j", "link", "show")).EnumerateArray().Select(l => l.GetProperty("ifname").GetString()));
        Assert.Equal("ENODEV", Assert.Throws<NetlinkException>(() => _ns.Rtnl.LinkByName("va")).ErrnoName);
    }

    [Fact]
    public void Link_moved_to_another_namespace_is_listed_there()
    {
        using var other = new NetnsFixture();

        _ns.Rtnl.LinkSetNsByName(_ns.B.Index, other.Name);

        using var there = Rtnl.OpenIn(other.Name);
        Assert.Contains(there.LinkList(), l => l.Name == "vb");
        Assert.DoesNotContain(_ns.Rtnl.LinkList(), l => l.Name == "vb");
        Assert.Single(NftOracle.Json(Tool.In(other.Name, "ip", "-j", "link", "show", "vb")).EnumerateArray());
    }

    [Fact]
    public void Address_added_by_the_library_is_listed_by_ip_and_deleted_again()
    {
        var address = new InterfaceAddress(_ns.B.Index, IPAddress.Parse("10.99.0.7"), 28);
        _ns.Rtnl.AddrAdd(address);

        var ip = NftOracle.Json(Tool.In(_ns.Name, "ip", "-j", "addr", "show", "vb"))[0].GetProperty("addr_info").EnumerateArray()
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}");
        Assert.Contains("10.99.0.7/28", ip);
        Assert.Contains(_ns.Rtnl.AddrList(_ns.B.Index), a => a.Address.Equals(address.Address) && a.PrefixLength == 28);

        _ns.Rtnl.AddrDel(address);
        Assert.DoesNotContain(_ns.Rtnl.AddrList(_ns.B.Index), a => a.Address.Equals(address.Address));
    }
}
