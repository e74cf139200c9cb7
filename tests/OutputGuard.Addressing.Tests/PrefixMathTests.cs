using System.Net;
using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Addressing.Tests;

[Trait(Tier.Name, Tier.Fast)]
public sealed class PrefixMathTests
{
    private static IpPrefix[] Prefixes(params string[] cidrs) => [.. cidrs.Select(IpPrefix.Parse)];

    private static string[] Texts(IEnumerable<IpPrefix> prefixes) => [.. prefixes.Select(p => p.ToString())];

    [Theory]
    [InlineData("10.0.0.0", "10.0.0.255", "10.0.0.0/24")]
    [InlineData("10.0.0.1", "10.0.0.6", "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32")]
    [InlineData("0.0.0.0", "255.255.255.255", "0.0.0.0/0")]
    [InlineData("255.255.255.255", "255.255.255.255", "255.255.255.255/32")]
    [InlineData("0.0.0.0", "0.0.0.0", "0.0.0.0/32")]
    [InlineData("192.0.0.11", "192.0.0.255", "192.0.0.11/32 192.0.0.12/30 192.0.0.16/28 192.0.0.32/27 192.0.0.64/26 192.0.0.128/25")]
    [InlineData("::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0")]
    [InlineData("2000::", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "2000::/3")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/127")]
    public void Range_becomes_the_fewest_CIDRs(string first, string last, string expected)
    {
        var cidrs = PrefixMath.FromRange(IPAddress.Parse(first), IPAddress.Parse(last));

        Assert.Equal(expected.Split(' '), Texts(cidrs));
    }

    [Fact]
    public void Reversed_range_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PrefixMath.FromRange(IPAddress.Parse("10.0.0.2"), IPAddress.Parse("10.0.0.1")));
    }

    [Theory]
    [InlineData("10.0.0.0/25 10.0.0.128/25", "10.0.0.0/24")]
    [InlineData("10.1.0.0/16 10.0.0.0/8", "10.0.0.0/8")]
    [InlineData("1.0.0.0/24 1.0.1.0/24 1.0.2.0/24", "1.0.0.0/23 1.0.2.0/24")]
    [InlineData("1.0.1.0/24 1.0.2.0/24", "1.0.1.0/24 1.0.2.0/24")]
    [InlineData("2001:db8::/33 192.0.2.0/24 2001:db8:8000::/33 192.0.2.7/32", "192.0.2.0/24 2001:db8::/32")]
    [InlineData("0.0.0.0/1 128.0.0.0/1", "0.0.0.0/0")]
    [InlineData("8.8.8.8/32 8.8.8.8/32", "8.8.8.8/32")]
    public void Merge_collapses_overlapping_and_adjacent_prefixes(string input, string expected)
    {
        var merged = PrefixMath.Merge(Prefixes(input.Split(' ')));

        Assert.Equal(expected.Split(' '), Texts(merged));
    }

    [Fact]
    public void Merge_of_nothing_is_empty()
    {
        Assert.Empty(PrefixMath.Merge([]));
    }

    [Theory]
    [InlineData("10.0.0.0/8", "10.0.0.0/9", "10.128.0.0/9")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8", "")]
    [InlineData("10.0.0.0/24", "10.0.0.128/26", "10.0.0.0/25 10.0.0.192/26")]
    [InlineData("10.0.0.0/24 10.0.2.0/24", "10.0.0.0/23", "10.0.2.0/24")]
    [InlineData("10.0.0.0/24", "2001:db8::/32 11.0.0.0/8", "10.0.0.0/24")]
    [InlineData("::/0", "::/1", "8000::/1")]
    public void Subtract_leaves_exactly_the_rest(string from, string remove, string expected)
    {
        var rest = PrefixMath.Subtract(Prefixes(from.Split(' ')), Prefixes(remove.Split(' ')));

        Assert.Equal(expected.Length == 0 ? [] : expected.Split(' '), Texts(rest));
    }

    [Fact]
    public void Complement_of_nothing_is_the_whole_family()
    {
        Assert.Equal(["0.0.0.0/0"], Texts(PrefixMath.Complement([], AddressFamily.InterNetwork)));
        Assert.Equal(["::/0"], Texts(PrefixMath.Complement(Prefixes("10.0.0.0/8"), AddressFamily.InterNetworkV6)));
    }

    [Fact]
    public void Complement_of_everything_is_empty()
    {
        Assert.Empty(PrefixMath.Complement(Prefixes("0.0.0.0/1", "128.0.0.0/1"), AddressFamily.InterNetwork));
    }

    [Fact]
    public void Complement_of_one_address_is_one_prefix_per_bit()
    {
        var rest = PrefixMath.Complement(Prefixes("::1/128"), AddressFamily.InterNetworkV6);

        Assert.Equal(128, rest.Count);
        Assert.Equal("::/128", rest[0].ToString());
        Assert.Equal("8000::/1", rest[^1].ToString());
    }
}
