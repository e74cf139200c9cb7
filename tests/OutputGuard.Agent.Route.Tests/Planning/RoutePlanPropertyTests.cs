using System.Net;
using System.Net.Sockets;
using OutputGuard.Addressing;
using OutputGuard.Agent.Route.Planning;

namespace OutputGuard.Agent.Route.Tests.Planning;

/// <summary>
/// Seeded random configurations of --internal and --treat-as-public: the planned routes never cover an
/// internal address, and every public address is covered by exactly one route.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class RoutePlanPropertyTests
{
    private static readonly IPAddress[] Gateways = [IPAddress.Parse("10.0.0.2"), IPAddress.Parse("fe80::2")];

    public static TheoryData<int> Seeds => [1, 2, 3, 4, 5, 6, 7, 8];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_route_overlaps_an_internal_range(int seed)
    {
        var random = new Random(seed);
        var (extra, holes) = RandomConfiguration(random);

        var plan = RoutePlan.Create(extra, holes, Gateways);

        foreach (var prefix in plan.All)
        {
            Assert.False(plan.Ranges.TryFindOverlap(prefix, out var range), $"{prefix} overlaps {range}");
            Assert.DoesNotContain(extra.Where(e => e.Family == prefix.Family), e => e.Overlaps(prefix) && !holes.Any(h => h.Contains(e) || h.Contains(prefix)));
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Every_public_address_is_covered_by_exactly_one_route(int seed)
    {
        var random = new Random(seed);
        var (extra, holes) = RandomConfiguration(random);
        var plan = RoutePlan.Create(extra, holes, Gateways);
        var checkedPublic = 0;

        foreach (var family in plan.Families)
        {
            var routes = plan.Prefixes[family];
            var interesting = routes.Concat(extra).Concat(holes).Concat(plan.Ranges.Ranges.Select(r => r.Prefix))
                .Where(p => p.Family == family).ToList();
            foreach (var address in Probes(random, family, interesting, 4_000))
            {
                var ip = IpPrefix.ToAddress(family, address);
                var covering = routes.Count(r => r.Contains(address));
                var isInternal = plan.Ranges.IsInternal(ip);
                Assert.True(isInternal ? covering == 0 : covering == 1, $"{ip}: internal={isInternal}, covered by {covering} routes");
                var inExtra = extra.Any(e => e.Contains(ip)) && !holes.Any(h => h.Contains(ip));
                Assert.False(inExtra && covering > 0, $"{ip} is in an --internal range but routed");
                var inHole = holes.Any(h => h.Contains(ip));
                Assert.False(inHole && covering != 1, $"{ip} is --treat-as-public but covered by {covering} routes");
                checkedPublic += isInternal ? 0 : 1;
            }
        }

        Assert.True(checkedPublic > 1_000, $"only {checkedPublic} public addresses were probed");
    }

    [Fact]
    public void Default_ranges_give_118_IPv4_routes_and_no_IPv6_without_an_IPv6_gateway()
    {
        var plan = RoutePlan.Create([], [], [IPAddress.Parse("10.0.0.2")]);

        Assert.Equal([AddressFamily.InterNetwork], plan.Families);
        Assert.Equal(118, plan.Prefixes[AddressFamily.InterNetwork].Count);
        Assert.Contains(IpPrefix.Parse("172.64.0.0/10"), plan.All);
        Assert.Contains(IpPrefix.Parse("172.128.0.0/9"), plan.All);
    }

    [Fact]
    public void An_IPv6_gateway_adds_the_IPv6_public_ranges()
    {
        var plan = RoutePlan.Create([], [], Gateways);

        var v6 = plan.Prefixes[AddressFamily.InterNetworkV6];
        Assert.Equal(InternalRanges.Defaults.PublicPrefixes(AddressFamily.InterNetworkV6), v6);
        Assert.Contains(v6, p => p.Contains(IPAddress.Parse("2a00:1450::1")));
        Assert.DoesNotContain(v6, p => p.Contains(IPAddress.Parse("fd00::1")));
    }

    [Fact]
    public void Pod_and_service_ranges_given_as_internal_are_not_routed()
    {
        var pods = IpPrefix.Parse("100.200.0.0/16");
        var services = IpPrefix.Parse("34.118.224.0/20");

        var plan = RoutePlan.Create([pods, services], [], [IPAddress.Parse("10.0.0.2")]);

        Assert.DoesNotContain(plan.All, p => p.Overlaps(services) || p.Overlaps(pods));
        Assert.Contains(plan.All, p => p.Contains(IPAddress.Parse("34.118.240.1")));
    }

    private static (List<IpPrefix> Extra, List<IpPrefix> Holes) RandomConfiguration(Random random)
    {
        var extra = Enumerable.Range(0, random.Next(0, 6)).Select(_ => RandomPrefix(random, random.Next(2) == 0)).ToList();
        var holes = Enumerable.Range(0, random.Next(0, 4)).Select(_ => RandomPrefix(random, random.Next(2) == 0)).ToList();
        holes.Add(IpPrefix.Parse("192.0.2.0/24"));
        holes.Add(IpPrefix.Parse("2001:db8::/32"));
        return (extra, holes);
    }

    private static IpPrefix RandomPrefix(Random random, bool v6)
    {
        var family = v6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        var length = v6 ? random.Next(8, 65) : random.Next(4, 29);
        return IpPrefix.FromNumber(family, RandomNumber(random, family), length);
    }

    private static UInt128 RandomNumber(Random random, AddressFamily family)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        var n = new UInt128(BitConverter.ToUInt64(bytes), BitConverter.ToUInt64(bytes[8..]));
        return family == AddressFamily.InterNetwork ? n & uint.MaxValue : n;
    }

    /// <summary>Random addresses, half of them at or next to the edges of the interesting prefixes.</summary>
    private static IEnumerable<UInt128> Probes(Random random, AddressFamily family, List<IpPrefix> interesting, int count)
    {
        var max = family == AddressFamily.InterNetwork ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        for (var i = 0; i < count; i++)
        {
            if (i % 2 == 0 || interesting.Count == 0)
            {
                yield return RandomNumber(random, family);
                continue;
            }

            var p = interesting[random.Next(interesting.Count)];
            yield return random.Next(4) switch
            {
                0 => p.First,
                1 => p.Last,
                2 => p.First == 0 ? p.First : p.First - 1,
                _ => p.Last == max ? p.Last : p.Last + 1,
            };
        }
    }
}
