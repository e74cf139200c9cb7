using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

[Trait(Tier.Name, Tier.Fast)]
public sealed class AllowListTests
{
    private static readonly string[] Mixed =
    [
        "203.0.113.7/32", "198.51.100.1/32", "2001:db8::1/128", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128",
        "0.0.0.0/32", "255.255.255.255/32", "198.51.100.0/24", "2001:db8:1::/48", "203.0.113.7/32 6 443 443", "2001:db8::1/128 17 53 53",
    ];

    private static List<Destination> L(params string[] texts) => [.. texts.Select(D)];

    [Fact]
    public void Hosts_of_both_families_are_held_as_the_same_values_they_were_given()
    {
        var list = AllowList.Of(3, Mixed.Select(D), "store");

        Assert.Equal(
            new[] { "203.0.113.7/32", "198.51.100.1/32", "2001:db8::1/128", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/128", "0.0.0.0/32", "255.255.255.255/32" }.Select(D).ToHashSet(),
            list.Hosts.ToHashSet());
        Assert.Equal(6, list.Hosts.Count);
        Assert.Equal(Mixed.Length, list.Count);
        Assert.Equal(Mixed.Select(D).ToHashSet(), list.All.ToHashSet());
        Assert.Equal(list.Count, list.All.Count);
        Assert.All(list.Hosts, h => Assert.True(list.Hosts.Contains(h)));
    }

    [Fact]
    public void Hosts_enumerate_ipv4_before_ipv6()
    {
        var list = AllowList.Of(1, L("2001:db8::5/128", "203.0.113.5/32", "2001:db8::6/128", "203.0.113.6/32"));

        var families = list.Hosts.Select(h => h.Prefix.IsIPv4).ToList();

        Assert.Equal([true, true, false, false], families);
    }

    [Theory]
    [InlineData("203.0.113.7/32 6 443 443")] // the host with a port rule is a port destination
    [InlineData("203.0.113.0/24")] // the prefix holding it is a CIDR
    [InlineData("203.0.113.8/32")] // the neighbour
    [InlineData("::ffff:203.0.113.7/128")] // the IPv4-mapped spelling is another family
    [InlineData("2001:db8::2/128")]
    [InlineData("2001:db8:1::1/128")] // the same low 64 bits, other high ones
    [InlineData("2001:db8::1:0:0:1/128")] // the same high 64 bits, other low ones
    public void Hosts_contain_only_a_host_with_every_port_of_the_same_family_and_number(string other)
    {
        var list = AllowList.Of(1, L("203.0.113.7/32", "2001:db8::1/128"));

        Assert.False(list.Hosts.Contains(D(other)));
        Assert.True(list.Hosts.Contains(D("203.0.113.7/32")));
        Assert.True(list.Hosts.Contains(D("2001:db8::1/128")));
    }

    [Fact]
    public void A_delta_removes_first_then_adds_and_reports_what_changed()
    {
        var list = AllowList.Of(1, L("203.0.113.1/32", "2001:db8::1/128", "198.51.100.0/24"));

        var change = list.Apply(2, L("203.0.113.1/32", "203.0.113.2/32", "2001:db8::2/128", "203.0.113.2/32 6 80 80"), L("203.0.113.1/32", "2001:db8::1/128", "192.0.2.9/32"));

        Assert.Equal(2, list.Revision);
        Assert.True(list.Hosts.Contains(D("203.0.113.1/32")), "removed and added in one delta: it stays");
        Assert.False(list.Hosts.Contains(D("2001:db8::1/128")));
        Assert.Equal(["203.0.113.1/32", "2001:db8::1/128"], change.HostsRemoved.Select(d => d.ToString()));
        Assert.Equal(["203.0.113.1/32", "203.0.113.2/32", "2001:db8::2/128"], change.HostsAdded.Select(d => d.ToString()));
        Assert.True(change.PortsChanged);
        Assert.False(change.NetsChanged);
        Assert.Equal(5, list.Count);
    }

    [Fact]
    public void Revert_returns_every_kind_of_destination_and_the_revision_to_before_the_delta()
    {
        var before = Mixed.Select(D).ToHashSet();
        var list = AllowList.Of(7, before);
        var added = new[] { "192.0.2.1/32", "2001:db8::99/128", "192.0.2.0/25", "2001:db8::99/128 6 22 22", "203.0.113.7/32" }.Select(D).ToList();
        var removed = new[] { "203.0.113.7/32", "2001:db8::1/128", "198.51.100.0/24", "2001:db8::1/128 17 53 53", "192.0.2.200/32" }.Select(D).ToList();

        var change = list.Apply(8, added, removed);
        Assert.NotEqual(before, list.All.ToHashSet());
        list.Revert(change, 7);

        Assert.Equal(7, list.Revision);
        Assert.Equal(before, list.All.ToHashSet());
        Assert.Equal(before.Count, list.Count);
    }

    [Fact]
    public void A_clone_is_equal_and_independent()
    {
        var list = AllowList.Of(5, Mixed.Select(D), "store");

        var copy = list.Clone();
        list.Apply(6, [D("192.0.2.1/32")], [D("203.0.113.7/32"), D("2001:db8::1/128")]);

        Assert.Equal((5L, "store"), (copy.Revision, copy.StoreId));
        Assert.Equal(Mixed.Select(D).ToHashSet(), copy.All.ToHashSet());
        Assert.False(copy.Hosts.Contains(D("192.0.2.1/32")));
        Assert.True(copy.Hosts.Contains(D("2001:db8::1/128")));
    }

    [Fact]
    public void Repeated_destinations_are_held_once()
    {
        var list = AllowList.Of(1, L("203.0.113.1/32", "203.0.113.1/32", "2001:db8::1/128", "2001:db8::1/128"));

        Assert.Equal(2, list.Count);
        Assert.Equal(2, list.All.ToList().Count);
    }

    [Fact]
    public void A_host_list_of_a_hundred_thousand_keeps_every_address()
    {
        var hosts = Enumerable.Range(0, 100_000)
            .Select(i => Destination.Any(IpPrefix.FromNumber(i % 2 == 0 ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6, (UInt128)(uint)(i * 2654435761u) << (i % 2 == 0 ? 0 : 64), i % 2 == 0 ? 32 : 128)))
            .ToHashSet();
        var list = AllowList.Of(1, hosts);

        Assert.Equal(hosts.Count, list.Hosts.Count);
        Assert.Equal(hosts, list.Hosts.ToHashSet());
    }
}
