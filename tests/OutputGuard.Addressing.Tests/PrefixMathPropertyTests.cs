using OutputGuard.Addressing;

namespace OutputGuard.Addressing.Tests;

/// <summary>Seeded random cases, IPv4 and IPv6: thousands of prefixes and probe addresses per test.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class PrefixMathPropertyTests
{
    private const int Cases = 2_000;

    [Fact]
    public void Merge_covers_exactly_the_union_without_overlaps_and_sorted()
    {
        var gen = new AddressGenerator(seed: 20240601);
        for (var i = 0; i < Cases; i++)
        {
            var family = gen.Family();
            var window = gen.Window(family);
            var input = gen.PrefixesWithin(window, 12);

            var merged = PrefixMath.Merge(input);

            AssertSortedDisjointMinimal(merged);
            foreach (var probe in gen.Probes(family, input.Concat(merged), window, 8))
            {
                if (AddressGenerator.InAny(input, family, probe) != AddressGenerator.InAny(merged, family, probe))
                {
                    Assert.Fail($"case {i}: {IpPrefix.ToAddress(family, probe)} differs between [{string.Join(", ", input)}] and its merge [{string.Join(", ", merged)}]");
                }
            }
        }
    }

    [Fact]
    public void Subtract_leaves_exactly_what_is_in_from_and_not_in_remove()
    {
        var gen = new AddressGenerator(seed: 7);
        for (var i = 0; i < Cases; i++)
        {
            var family = gen.Family();
            var window = gen.Window(family);
            var from = gen.PrefixesWithin(window, 6);
            var remove = gen.PrefixesWithin(window, 8);

            var rest = PrefixMath.Subtract(from, remove);

            AssertSortedDisjointMinimal(rest);
            foreach (var probe in gen.Probes(family, from.Concat(remove).Concat(rest), window, 8))
            {
                var expected = AddressGenerator.InAny(from, family, probe) && !AddressGenerator.InAny(remove, family, probe);
                if (expected != AddressGenerator.InAny(rest, family, probe))
                {
                    Assert.Fail($"case {i}: {IpPrefix.ToAddress(family, probe)}: [{string.Join(", ", from)}] - [{string.Join(", ", remove)}] = [{string.Join(", ", rest)}]");
                }
            }
        }
    }

    [Fact]
    public void Complement_holds_exactly_the_addresses_outside()
    {
        var gen = new AddressGenerator(seed: 99);
        for (var i = 0; i < Cases; i++)
        {
            var family = gen.Family();
            var window = gen.Window(family);
            var input = gen.PrefixesWithin(window, 10);

            var outside = PrefixMath.Complement(input, family);

            AssertSortedDisjointMinimal(outside);
            var firsts = outside.Select(p => p.First).ToArray();
            foreach (var probe in gen.Probes(family, input.Concat(outside), window, 8))
            {
                // `outside` is sorted and disjoint (asserted above): the only candidate is the last one starting at or before the probe.
                var found = Array.BinarySearch(firsts, probe);
                var candidate = found >= 0 ? found : ~found - 1;
                var inOutside = candidate >= 0 && outside[candidate].Contains(probe);
                Assert.NotEqual(AddressGenerator.InAny(input, family, probe), inOutside);
            }
        }
    }

    [Fact]
    public void FromRange_covers_exactly_the_range_with_aligned_blocks()
    {
        var gen = new AddressGenerator(seed: 3);
        for (var i = 0; i < Cases; i++)
        {
            var family = gen.Family();
            var window = gen.Window(family);
            var a = gen.PrefixWithin(window).First;
            var b = gen.PrefixWithin(window).Last;
            var (first, last) = a <= b ? (a, b) : (b, a);

            var cidrs = PrefixMath.FromRange(family, first, last);

            AssertSortedDisjointMinimal(cidrs);
            Assert.Equal(first, cidrs[0].First);
            Assert.Equal(last, cidrs[^1].Last);
            for (var j = 1; j < cidrs.Count; j++)
            {
                Assert.Equal(cidrs[j - 1].Last + 1, cidrs[j].First);
            }
        }
    }

    /// <summary>Sorted, no two sharing an address, and no two that are halves of one CIDR.</summary>
    private static void AssertSortedDisjointMinimal(IReadOnlyList<IpPrefix> prefixes)
    {
        for (var i = 1; i < prefixes.Count; i++)
        {
            var (a, b) = (prefixes[i - 1], prefixes[i]);
            if (a.Family != b.Family)
            {
                Assert.True(a.IsIPv4 && !b.IsIPv4, "IPv4 comes before IPv6");
                continue;
            }

            if (a.Last >= b.First)
            {
                Assert.Fail($"{a} and {b} overlap or are out of order");
            }

            var siblings = a.Length == b.Length && a.Length > 0
                && IpPrefix.FromNumber(a.Family, a.First, a.Length - 1) == IpPrefix.FromNumber(b.Family, b.First, b.Length - 1);
            if (siblings)
            {
                Assert.Fail($"{a} and {b} should be one prefix");
            }
        }
    }
}
