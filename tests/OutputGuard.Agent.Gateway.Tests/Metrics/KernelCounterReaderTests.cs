using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Netlink.Nftables;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

public sealed class KernelCounterReaderTests : IDisposable
{
    private readonly GatewayNamespace _ns = new();

    public void Dispose() => _ns.Dispose();


    [Fact]
    public void Denied_destinations_are_bounded_to_the_busiest()
    {
        var settings = Destinations.LabSettings;
        using (var enforcer = new AllowListEnforcer(NftConnection.OpenIn(_ns.Name), settings, NullLogger.Instance))
        {
            enforcer.Start();
        }

        _ns.Nft("add", "element", "inet", "outputguard", "denied4",
            "{ 203.0.113.1 . tcp . 443 counter packets 1 bytes 60, 203.0.113.2 . tcp . 8081 counter packets 9 bytes 600, "
            + "203.0.113.3 . udp . 53 counter packets 5 bytes 300, 203.0.113.4 . icmp . 0, 203.0.113.5 . tcp . 80 }");
        using var reader = new KernelCounterReader(NftConnection.OpenIn(_ns.Name), 2, NullLogger.Instance);

        var snapshot = reader.Refresh();

        Assert.Equal(5, snapshot.DeniedTotal);
        Assert.Equal(["203.0.113.2", "203.0.113.3"], snapshot.Denied.Select(d => d.Ip));
        Assert.Equal(9UL, snapshot.Denied[0].Packets);
        Assert.Equal((6, 8081), (snapshot.Denied[0].Protocol, snapshot.Denied[0].Port));
        Assert.Equal(("udp", 53), (snapshot.Denied[1].ProtocolName, snapshot.Denied[1].Port));
    }

    [Fact]
    public void Port_ranges_of_one_address_are_summed_under_its_label()
    {
        var settings = Destinations.LabSettings;
        using var enforcer = new AllowListEnforcer(NftConnection.OpenIn(_ns.Name), settings, NullLogger.Instance);
        enforcer.Start();
        enforcer.Apply(AllowList.Of(1, [D("203.0.113.7/32 6 80 80"), D("203.0.113.7/32 6 443 443"), D("198.51.100.0/24")]));
        using var reader = new KernelCounterReader(NftConnection.OpenIn(_ns.Name), 100, NullLogger.Instance);

        var allowed = reader.Refresh().Allowed;

        Assert.Equal(2, allowed.Count(c => c.Ip == "203.0.113.7"));
        Assert.Equal(["INPUT", "OUTPUT"], allowed.Where(c => c.Ip == "198.51.100.0/24").Select(c => c.Type).Order());
    }

    [Fact]
    public void Quiet_hosts_fill_the_reading_at_zero_up_to_the_series_bound()
    {
        using var enforcer = new AllowListEnforcer(NftConnection.OpenIn(_ns.Name), Destinations.LabSettings, NullLogger.Instance);
        enforcer.Start();
        enforcer.Apply(AllowList.Of(1, [D("203.0.113.1/32"), D("203.0.113.2/32"), D("203.0.113.3/32"), D("2001:db8::1/128"), D("198.51.100.0/24")]));
        // 203.0.113.1 carried traffic (the packet path made its seen element; here nft does).
        _ns.Nft("add", "element", "inet", "outputguard", "seen4", "{ 203.0.113.1 counter packets 3 bytes 300 }");
        _ns.Nft("add", "element", "inet", "outputguard", "seen4_in", "{ 203.0.113.1 counter packets 3 bytes 4000 }");
        using var bounded = new KernelCounterReader(NftConnection.OpenIn(_ns.Name), 100, NullLogger.Instance) { Enforcer = enforcer, QuietHostLimit = 3 };
        using var wide = new KernelCounterReader(NftConnection.OpenIn(_ns.Name), 100, NullLogger.Instance) { Enforcer = enforcer, QuietHostLimit = 100 };
        using var none = new KernelCounterReader(NftConnection.OpenIn(_ns.Name), 100, NullLogger.Instance);

        var three = bounded.Refresh().Allowed;
        var all = wide.Refresh().Allowed;

        // The CIDR and the host with traffic are counted; one quiet host makes three destinations.
        Assert.Equal(3, three.Select(c => c.Ip).Distinct().Count());
        Assert.Equal(300UL, three.Single(c => c.Ip == "203.0.113.1" && c.Type == "OUTPUT").Bytes);
        Assert.Equal(["198.51.100.0/24", "2001:db8::1", "203.0.113.1", "203.0.113.2", "203.0.113.3"], all.Select(c => c.Ip).Distinct().Order(StringComparer.Ordinal));
        Assert.All(all.Where(c => c.Ip != "203.0.113.1" && c.Ip != "198.51.100.0/24"), c => Assert.Equal((0UL, 0UL), (c.Bytes, c.Packets)));
        Assert.Equal(2 * 5, all.Count);
        Assert.Equal(["198.51.100.0/24", "203.0.113.1"], none.Refresh().Allowed.Select(c => c.Ip).Distinct().Order(StringComparer.Ordinal));
    }
}
