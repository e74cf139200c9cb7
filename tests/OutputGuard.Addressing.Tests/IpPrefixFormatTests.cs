using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Addressing.Tests;

/// <summary>A prefix written into a span is its canonical text, for every family and length.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class IpPrefixFormatTests
{
    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("255.255.255.255/32")]
    [InlineData("203.0.113.7/32")]
    [InlineData("10.0.0.0/8")]
    [InlineData("2001:db8::/32")]
    [InlineData("::/0")]
    [InlineData("2001:db8:0:1::1/128")]
    public void Formatted_into_a_span_a_prefix_is_its_canonical_text(string text)
    {
        var prefix = IpPrefix.Parse(text);
        Span<char> buffer = stackalloc char[64];

        Assert.True(prefix.TryFormat(buffer, out var written));

        Assert.Equal(prefix.ToString(), buffer[..written].ToString());
    }

    [Fact]
    public void Seeded_random_prefixes_format_into_a_span_as_their_text()
    {
        var random = new Random(1801);
        Span<char> buffer = stackalloc char[64];
        for (var i = 0; i < 5_000; i++)
        {
            var family = i % 2 == 0 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
            var bits = new UInt128((ulong)random.NextInt64(), (ulong)random.NextInt64());
            var prefix = IpPrefix.FromNumber(family, bits, random.Next(0, IpPrefix.MaxLengthOf(family) + 1));

            Assert.True(prefix.TryFormat(buffer, out var written));
            Assert.Equal(prefix.ToString(), buffer[..written].ToString());
        }
    }

    [Fact]
    public void A_span_too_small_for_the_text_is_refused()
    {
        var prefix = IpPrefix.Parse("203.0.113.7/32");

        Assert.False(prefix.TryFormat(new char[prefix.ToString().Length - 1], out var written));
        Assert.Equal(0, written);
    }
}
