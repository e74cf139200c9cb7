using System.Net.Sockets;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

[Trait(Tier.Name, Tier.Fast)]
public sealed class ElementCompilerTests
{

    [Fact]
    public void Adjacent_cidrs_become_one_interval()
    {
        var ranges = ElementCompiler.Nets([D("198.51.100.0/24"), D("198.51.101.0/25")], AddressFamily.InterNetwork);

        var only = Assert.Single(ranges);
        Assert.Equal(2, only.Value.Length);
        Assert.True(only.Value[1].IsIntervalEnd);
    }

    [Fact]
    public void Port_ranges_are_merged_and_a_narrower_prefix_keeps_only_what_a_broader_one_does_not_allow()
    {
        var ports = ElementCompiler.Ports(
            [D("203.0.113.5/32 6 80 90"), D("203.0.113.5/32 6 85 100"), D("203.0.113.0/24 6 95 95"), D("203.0.113.5/32 17 80 90")],
            AddressFamily.InterNetwork);

        var ranges = ports.Values.Select(v => v[0]).Select(e => (
            Proto: e.Key[4],
            From: System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(e.Key.AsSpan(8)),
            To: System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(e.KeyEnd.AsSpan(8)))).Order().ToList();
        Assert.Equal([((byte)6, (ushort)80, (ushort)94), ((byte)6, (ushort)95, (ushort)95), ((byte)6, (ushort)96, (ushort)100), ((byte)17, (ushort)80, (ushort)90)], ranges);
    }

    [Fact]
    public void Kernel_elements_read_back_to_the_same_ids()
    {
        var nets = ElementCompiler.Nets([D("198.51.100.0/24"), D("203.0.113.0/25")], AddressFamily.InterNetwork);
        var ports = ElementCompiler.Ports([D("2001:db8::/64 6 443 443")], AddressFamily.InterNetworkV6);

        var netsBack = ElementCompiler.FromKernel([.. nets.Values.SelectMany(v => v).Reverse()], interval: true, concat: false);
        var portsBack = ElementCompiler.FromKernel([.. ports.Values.SelectMany(v => v)], interval: true, concat: true);

        Assert.Equal(nets.Keys.Order(), netsBack.Keys.Order());
        Assert.Equal(ports.Keys, portsBack.Keys);
    }

    [Fact]
    public void Backoff_grows_to_a_cap_with_jitter()
    {
        var first = ReconnectLoop.Backoff(0);
        var late = Enumerable.Range(0, 50).Select(_ => ReconnectLoop.Backoff(30)).ToList();

        Assert.InRange(first.TotalMilliseconds, 125, 250);
        Assert.All(late, d => Assert.InRange(d.TotalSeconds, 15, 30));
        Assert.True(late.Distinct().Count() > 1);
    }

    [Fact]
    public void Labels_name_hosts_cidrs_and_ranges()
    {
        var v4 = AddressFamily.InterNetwork;
        var host = IpPrefix.Parse("203.0.113.7/32");
        var net = IpPrefix.Parse("203.0.113.0/24");

        Assert.Equal("203.0.113.7", DestinationCounter.Label(v4, host.First, host.Last));
        Assert.Equal("203.0.113.0/24", DestinationCounter.Label(v4, net.First, net.Last));
        Assert.Equal("203.0.113.1-203.0.113.2", DestinationCounter.Label(v4, net.First + 1, net.First + 2));
    }

    [Fact]
    public void Reverting_a_delta_restores_the_list_exactly()
    {
        var list = AllowList.Of(4, [D("203.0.113.1/32"), D("198.51.100.0/24"), D("203.0.113.9/32 6 443 443")]);
        var before = list.All.ToHashSet();

        var change = list.Apply(5, [D("203.0.113.2/32"), D("203.0.113.1/32"), D("2001:db8::/48")], [D("198.51.100.0/24"), D("203.0.113.3/32")]);
        list.Revert(change, 4);

        Assert.Equal(4, list.Revision);
        Assert.Equal(before, list.All.ToHashSet());
    }
}
