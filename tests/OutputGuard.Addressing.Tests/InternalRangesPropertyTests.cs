using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Addressing.Tests;

/// <summary>Seeded random checks that the public prefixes are the exact complement of the internal ranges.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class InternalRangesPropertyTests
{
    public static TheoryData<string> Configurations => ["defaults", "lab", "random"];

    [Theory]
    [MemberData(nameof(Configurations))]
    public void No_public_prefix_overlaps_an_internal_range(string configuration)
    {
        var ranges = Build(configuration);

        foreach (var family in AddressGenerator.Families)
        {
            foreach (var prefix in ranges.PublicPrefixes(family))
            {
                Assert.False(ranges.TryFindOverlap(prefix, out var range), $"{prefix} overlaps {range}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Every_address_is_internal_or_in_exactly_one_public_prefix(string configuration)
    {
        var ranges = Build(configuration);
        var gen = new AddressGenerator(seed: 4242);
        var checkedCount = 0;
        foreach (var family in AddressGenerator.Families)
        {
            var publicPrefixes = ranges.PublicPrefixes(family);
            var edges = ranges.Ranges.Select(r => r.Prefix).Concat(publicPrefixes);
            var whole = IpPrefix.FromNumber(family, 0, 0);
            foreach (var probe in gen.Probes(family, edges, whole, 5_000))
            {
                var host = IpPrefix.FromNumber(family, probe, IpPrefix.MaxLengthOf(family));
                var isInternal = ranges.TryFindOverlap(host, out _);
                var holders = publicPrefixes.Count(p => p.Contains(probe));

                if (isInternal ? holders != 0 : holders != 1)
                {
                    Assert.Fail($"{host} internal={isInternal}, in {holders} public prefixes");
                }

                checkedCount++;
            }
        }

        Assert.True(checkedCount > 10_000);
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Internal_ranges_are_sorted_disjoint_CIDRs(string configuration)
    {
        var ranges = Build(configuration).Ranges;

        for (var i = 1; i < ranges.Count; i++)
        {
            var (a, b) = (ranges[i - 1].Prefix, ranges[i].Prefix);
            if (!(a.Family != b.Family ? a.IsIPv4 : a.Last < b.First))
            {
                Assert.Fail($"{a} then {b}");
            }
        }
    }

    [Fact]
    public void Address_lookup_agrees_with_a_linear_scan()
    {
        var gen = new AddressGenerator(seed: 11);
        var ranges = Build("random");
        foreach (var family in AddressGenerator.Families)
        {
            var all = ranges.Ranges.Where(r => r.Prefix.Family == family).ToList();
            var sample = all.Where((_, i) => i % Math.Max(1, all.Count / 300) == 0).Select(r => r.Prefix);
            foreach (var probe in gen.Probes(family, sample, IpPrefix.FromNumber(family, 0, 0), 2_000))
            {
                var expected = all.FirstOrDefault(r => r.Prefix.Contains(probe));
                var found = ranges.TryFindOverlap(IpPrefix.FromNumber(family, probe, IpPrefix.MaxLengthOf(family)), out var range);

                Assert.Equal(expected is not null, found);
                Assert.Equal(expected, range);
            }
        }
    }

    private static InternalRanges Build(string configuration)
    {
        switch (configuration)
        {
            case "defaults":
                return InternalRanges.Defaults;
            case "lab":
                return InternalRangesTests.Lab;
            default:
                var gen = new AddressGenerator(seed: 2025);
                var extra = new List<IpPrefix>();
                var holes = new List<IpPrefix>();
                for (var i = 0; i < 40; i++)
                {
                    var family = gen.Family();
                    var window = gen.Window(family);
                    extra.AddRange(gen.PrefixesWithin(window, 3));
                    holes.AddRange(gen.PrefixesWithin(window, 2));
                }

                holes.Add(IpPrefix.Parse("10.0.0.0/9"));
                holes.Add(IpPrefix.Parse("2001:1::/32"));
                return InternalRanges.Create(extra, holes);
        }
    }
}
