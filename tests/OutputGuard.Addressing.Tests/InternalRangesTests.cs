using System.Net;
using System.Net.Sockets;
using OutputGuard.Addressing;
using Xunit.Abstractions;

namespace OutputGuard.Addressing.Tests;

[Trait(Tier.Name, Tier.Fast)]
public sealed class InternalRangesTests(ITestOutputHelper output)
{
    /// <summary>How labs configure the documentation ranges as "the internet".</summary>
    internal static readonly InternalRanges Lab = InternalRanges.Create(
        [],
        [.. new[] { "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32" }.Select(IpPrefix.Parse)]);

    [Theory]
    [InlineData("0.0.0.0/8", "RFC 791")]
    [InlineData("10.0.0.0/8", "private-use (RFC 1918)")]
    [InlineData("100.64.0.0/10", "RFC 6598")]
    [InlineData("127.0.0.0/8", "loopback (RFC 1122)")]
    [InlineData("169.254.0.0/16", "link-local (RFC 3927)")]
    [InlineData("172.16.0.0/12", "private-use (RFC 1918)")]
    [InlineData("192.0.2.0/24", "TEST-NET-1 (RFC 5737)")]
    [InlineData("192.88.99.0/24", "6to4 relay anycast (RFC 7526)")]
    [InlineData("192.168.0.0/16", "private-use (RFC 1918)")]
    [InlineData("198.18.0.0/15", "benchmarking (RFC 2544)")]
    [InlineData("198.51.100.0/24", "TEST-NET-2 (RFC 5737)")]
    [InlineData("203.0.113.0/24", "TEST-NET-3 (RFC 5737)")]
    [InlineData("224.0.0.0/4", "multicast")]
    [InlineData("240.0.0.0/4", "reserved (RFC 1112)")]
    [InlineData("::/128", "unspecified (RFC 4291)")]
    [InlineData("::1/128", "loopback (RFC 4291)")]
    [InlineData("::ffff:0:0/96", "IPv4-mapped (RFC 4291)")]
    [InlineData("64:ff9b:1::/48", "RFC 8215")]
    [InlineData("100::/64", "discard-only (RFC 6666)")]
    [InlineData("2001:db8::/32", "documentation (RFC 3849)")]
    [InlineData("3fff::/20", "documentation (RFC 9637)")]
    [InlineData("fc00::/7", "unique local (RFC 4193)")]
    [InlineData("fe80::/10", "link-local unicast (RFC 4291)")]
    [InlineData("ff00::/8", "multicast (RFC 4291)")]
    [InlineData("2001::/32", "Teredo (RFC 4380)")]
    [InlineData("2001:2::/48", "benchmarking (RFC 5180)")]
    [InlineData("2001:10::/28", "ORCHID (RFC 4843)")]
    public void Default_range_is_internal_whole_with_its_name(string cidr, string name)
    {
        var prefix = IpPrefix.Parse(cidr);

        var found = InternalRanges.Defaults.Ranges.Where(r => prefix.Contains(r.Prefix)).ToList();

        Assert.NotEmpty(found);
        Assert.Equal(prefix.Last - prefix.First, found.Aggregate(UInt128.Zero, (sum, r) => sum + (r.Prefix.Last - r.Prefix.First + 1)) - 1);
        Assert.All(found, r => Assert.Contains(name, r.Name, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.1.2.3", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("8.8.8.8", false)]
    [InlineData("192.0.0.8", true)]
    [InlineData("192.0.0.9", false)] // PCP anycast, RFC 7723: globally reachable
    [InlineData("192.0.0.10", false)] // TURN anycast, RFC 8155
    [InlineData("192.31.196.1", false)] // AS112-v4, globally reachable
    [InlineData("::ffff:10.0.0.1", true)] // checked as IPv4
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("2606:4700::1", false)]
    [InlineData("4000::1", true)] // outside 2000::/3
    [InlineData("5f00::1", true)]
    [InlineData("2001:1::1", false)] // PCP anycast inside 2001::/23
    [InlineData("2001:1::3", false)] // DNS-SD SRP anycast, RFC 9665
    [InlineData("2001:1::4", true)]
    [InlineData("2001:3::1", false)] // AMT
    [InlineData("2001:4:112::1", false)] // AS112-v6
    [InlineData("2001:4:113::1", true)]
    [InlineData("2001:20::1", false)] // ORCHIDv2
    [InlineData("2001:30::1", false)] // DRIP entity tags
    [InlineData("2001:200::1", false)] // outside 2001::/23
    [InlineData("64:ff9b::808:808", false)] // NAT64 of 8.8.8.8
    [InlineData("64:ff9b::a00:1", true)] // NAT64 of 10.0.0.1
    [InlineData("2002:808:808::1", false)] // 6to4 of 8.8.8.8
    [InlineData("2002:a00:1::1", true)] // 6to4 of 10.0.0.1
    [InlineData("fe80::1%2", true)]
    public void Address_is_internal_as_IANA_says(string address, bool expected)
    {
        Assert.Equal(expected, InternalRanges.Defaults.IsInternal(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.0.0.0/6", "10.0.0.0/8")]
    [InlineData("0.0.0.0/0", "0.0.0.0/8")]
    [InlineData("10.1.0.0/16", "10.0.0.0/8")]
    [InlineData("192.0.0.0/16", "192.0.0.0/29")]
    [InlineData("2000::/3", "2001::/32")]
    [InlineData("64:ff9b::/96", "64:ff9b::/104")]
    public void Prefix_that_touches_an_internal_range_overlaps_it(string cidr, string expected)
    {
        Assert.True(InternalRanges.Defaults.TryFindOverlap(IpPrefix.Parse(cidr), out var range));
        Assert.Equal(expected, range.Prefix.ToString());
    }

    [Theory]
    [InlineData("1.0.0.0/8")]
    [InlineData("192.0.0.9/32")]
    [InlineData("2606:4700::/32")]
    [InlineData("64:ff9b::808:800/120")]
    public void Public_prefix_overlaps_nothing(string cidr)
    {
        Assert.False(InternalRanges.Defaults.TryFindOverlap(IpPrefix.Parse(cidr), out _));
    }

    [Fact]
    public void Configured_internal_range_is_named_and_defaults_keep_their_names()
    {
        var ranges = InternalRanges.Create([IpPrefix.Parse("44.0.0.0/16"), IpPrefix.Parse("10.96.0.0/12"), IpPrefix.Parse("2600:1f18::/32")], []);

        Assert.True(ranges.TryFind(IPAddress.Parse("44.0.1.2"), out var pods));
        Assert.Equal("configured internal", pods.Name);
        Assert.True(ranges.TryFind(IPAddress.Parse("10.96.0.1"), out var services));
        Assert.Equal("private-use (RFC 1918)", services.Name);
        Assert.True(ranges.IsInternal(IPAddress.Parse("2600:1f18::1")));
        Assert.True(ranges.IsInternal(IPAddress.Parse("64:ff9b::2c00:102"))); // NAT64 of 44.0.1.2
        Assert.False(InternalRanges.Defaults.IsInternal(IPAddress.Parse("44.0.1.2")));
    }

    [Fact]
    public void Treat_as_public_carves_holes_and_keeps_the_remaining_pieces_names()
    {
        var ranges = InternalRanges.Create([], [IpPrefix.Parse("10.0.0.0/9")]);

        Assert.False(ranges.IsInternal(IPAddress.Parse("10.1.2.3")));
        Assert.True(ranges.TryFind(IPAddress.Parse("10.200.0.1"), out var rest));
        Assert.Equal("10.128.0.0/9", rest.Prefix.ToString());
        Assert.Equal("private-use (RFC 1918)", rest.Name);
    }

    [Theory]
    [InlineData("192.0.2.1")]
    [InlineData("198.51.100.1")]
    [InlineData("203.0.113.1")]
    [InlineData("2001:db8::1")]
    [InlineData("64:ff9b::c000:201")] // NAT64 of 192.0.2.1
    [InlineData("2002:c000:201::1")] // 6to4 of 192.0.2.1
    public void Documentation_ranges_treated_as_public_are_not_internal(string address)
    {
        Assert.True(InternalRanges.Defaults.IsInternal(IPAddress.Parse(address)));
        Assert.False(Lab.IsInternal(IPAddress.Parse(address)));
    }

    /// <summary>
    /// The exact complement is already the fewest CIDRs; the counts are pinned so that a change to the
    /// registry, which changes how many routes every host installs, is a deliberate one.
    /// </summary>
    [Fact]
    public void IPv4_public_prefixes_are_a_short_minimal_list()
    {
        var defaults = InternalRanges.Defaults.PublicPrefixes(AddressFamily.InterNetwork);
        var lab = Lab.PublicPrefixes(AddressFamily.InterNetwork);
        output.WriteLine($"IPv4 public prefixes: {defaults.Count} (defaults), {lab.Count} (documentation ranges treated as public)");
        output.WriteLine(string.Join(" ", defaults));

        Assert.Equal(118, defaults.Count);
        Assert.Equal(88, lab.Count);
        Assert.Equal(defaults, PrefixMath.Merge(defaults));
        Assert.Equal("1.0.0.0/8", defaults[0].ToString());
        Assert.Equal("208.0.0.0/4", defaults[^1].ToString());
    }

    [Fact]
    public void IPv6_public_prefixes_stay_inside_global_unicast_and_the_NAT64_prefix()
    {
        var defaults = InternalRanges.Defaults.PublicPrefixes(AddressFamily.InterNetworkV6);
        var lab = Lab.PublicPrefixes(AddressFamily.InterNetworkV6);
        output.WriteLine($"IPv6 public prefixes: {defaults.Count} (defaults), {lab.Count} (documentation ranges treated as public)");
        output.WriteLine(string.Join(" ", defaults));

        var global = IpPrefix.Parse("2000::/3");
        var nat64 = IpPrefix.Parse("64:ff9b::/96");
        Assert.All(defaults, p => Assert.True(global.Contains(p) || nat64.Contains(p), $"{p} is outside 2000::/3 and 64:ff9b::/96"));
        Assert.Equal(defaults, PrefixMath.Merge(defaults));
        Assert.Equal(286, defaults.Count);
        Assert.Equal(216, lab.Count);
    }

    [Fact]
    public void Lookups_are_fast_enough_for_a_gateway()
    {
        var gen = new AddressGenerator(seed: 1);
        var addresses = Enumerable.Range(0, 100_000)
            .Select(_ => IpPrefix.ToAddress(AddressFamily.InterNetwork, gen.Number(AddressFamily.InterNetwork)))
            .ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var internalCount = addresses.Count(InternalRanges.Defaults.IsInternal);

        output.WriteLine($"100000 IPv4 lookups in {watch.Elapsed.TotalMilliseconds:F1} ms, {internalCount} internal");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2));
    }
}
