using OutputGuard.Addressing;

namespace OutputGuard.Addressing.Tests;

[Trait(Tier.Name, Tier.Fast)]
public sealed class OperatorAddressTests
{
    private const string Refusal = "internal addresses cannot be allowed";

    [Theory]
    [InlineData("10.0.0.1", "10.0.0.0/8, private-use (RFC 1918)")]
    [InlineData("  10.0.0.1\t", "10.0.0.0/8, private-use (RFC 1918)")]
    [InlineData("167772161", "10.0.0.0/8")] // integer
    [InlineData("0x0A000001", "10.0.0.0/8")] // hex
    [InlineData("0xa.0.0.1", "10.0.0.0/8")] // hex per part
    [InlineData("012.0.0.1", "10.0.0.0/8")] // octal per part: 10.0.0.1 (decimal reading 12.0.0.1 is public)
    [InlineData("10.1", "10.0.0.0/8")] // short form: 10.0.0.1
    [InlineData("10.1.2", "10.0.0.0/8")] // short form: 10.1.0.2
    [InlineData("010.8.8.8", "10.0.0.0/8")] // decimal reading 10.8.8.8 (octal reading 8.8.8.8 is public)
    [InlineData("010.010.010.010", "10.0.0.0/8")]
    [InlineData("127.1", "127.0.0.0/8, loopback")]
    [InlineData("2130706433", "127.0.0.0/8")]
    [InlineData("0x7f.1", "127.0.0.0/8")]
    [InlineData("0177.0.0.1", "127.0.0.0/8")] // octal 127.0.0.1, decimal 177.0.0.1
    [InlineData("0251.0376.0251.0376", "169.254.0.0/16, link-local")] // cloud metadata, octal
    [InlineData("0xA9FEA9FE", "169.254.0.0/16")]
    [InlineData("2852039166", "169.254.0.0/16")]
    [InlineData("0300.0250.0.1", "192.168.0.0/16")] // octal only (decimal 300 is no byte)
    [InlineData("192.168.257", "192.168.0.0/16")] // 192.168.1.1
    [InlineData("0", "0.0.0.0/8")]
    [InlineData("100.64.0.1", "100.64.0.0/10")]
    [InlineData("255.255.255.255", "240.0.0.0/4")]
    [InlineData("224.0.0.251", "224.0.0.0/4, multicast")]
    [InlineData("::ffff:10.0.0.1", "10.0.0.0/8")] // IPv4-mapped
    [InlineData("::ffff:0a00:0001", "10.0.0.0/8")] // IPv4-mapped, hex
    [InlineData("::FFFF:A00:1", "10.0.0.0/8")]
    [InlineData("::10.0.0.1", "10.0.0.0/8")] // IPv4-compatible
    [InlineData("64:ff9b::10.0.0.1", "10.0.0.0/8")] // NAT64
    [InlineData("64:FF9B::C0A8:101", "192.168.0.0/16")]
    [InlineData("2002:0a00:0001::", "10.0.0.0/8")] // 6to4
    [InlineData("2002:c0a8:0101::1", "192.168.0.0/16")]
    [InlineData("fe80::1%eth0", "fe80::/10, link-local")] // zone id
    [InlineData("FE80::1", "fe80::/10")]
    [InlineData("fc00::1", "fc00::/7, unique local")]
    [InlineData("FD12:3456::1", "fc00::/7")]
    [InlineData("::1", "::1/128, loopback")]
    [InlineData("::", "::/128, unspecified")]
    [InlineData("ff02::1%eth0", "ff00::/8, multicast")]
    [InlineData("2001::1", "Teredo (RFC 4380)")]
    [InlineData("2001:2::1", "2001:2::/48, benchmarking")]
    [InlineData("64:ff9b:1::1", "64:ff9b:1::/48")]
    [InlineData("3fff::1", "3fff::/20, documentation")]
    [InlineData("4000::1", "reserved by IETF, outside 2000::/3")]
    [InlineData("10.0.0.0/8", "10.0.0.0/8")] // CIDRs
    [InlineData("10.1.0.0/16", "10.0.0.0/8")]
    [InlineData("8.0.0.0/6", "10.0.0.0/8")] // contains an internal range
    [InlineData("0.0.0.0/0", "0.0.0.0/8")]
    [InlineData("::/0", "::/128")]
    [InlineData("::ffff:10.0.0.0/104", "10.0.0.0/8")]
    [InlineData("2002:0a00::/24", "10.0.0.0/8")]
    [InlineData("64:ff9b::/96", "0.0.0.0/8")]
    public void Private_address_in_any_spelling_is_refused(string input, string range)
    {
        var ok = OperatorAddress.TryParse(input, InternalRanges.Defaults, out _, out var error);

        Assert.False(ok);
        Assert.Contains($"'{input.Trim()}'", error, StringComparison.Ordinal);
        Assert.Contains(range, error, StringComparison.Ordinal);
        Assert.EndsWith(Refusal, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1", "'10.1' (10.0.0.1) is in 10.0.0.0/8, private-use (RFC 1918): " + Refusal)]
    [InlineData("10.0.0.1", "'10.0.0.1' is in 10.0.0.0/8, private-use (RFC 1918): " + Refusal)]
    [InlineData("010.8.8.8", "'010.8.8.8' (10.8.8.8 with its leading zeros read as decimal) is in 10.0.0.0/8, private-use (RFC 1918): " + Refusal)]
    [InlineData("0177.0.0.1", "'0177.0.0.1' (127.0.0.1 with its leading zeros read as octal, as inet_aton does) is in 127.0.0.0/8, loopback (RFC 1122): " + Refusal)]
    [InlineData("8.0.0.0/6", "'8.0.0.0/6' overlaps 10.0.0.0/8, private-use (RFC 1918): " + Refusal)]
    [InlineData("::ffff:0a00:0001", "'::ffff:0a00:0001' (10.0.0.1) is in 10.0.0.0/8, private-use (RFC 1918): " + Refusal)]
    [InlineData("2002:0a00:0001::", "'2002:0a00:0001::' (2002:a00:1::), which embeds 10.0.0.1 in the 6to4 prefix 2002::/16 (RFC 3056), is in 10.0.0.0/8, private-use (RFC 1918): " + Refusal)]
    [InlineData("fe80::1%eth0", "'fe80::1%eth0' (fe80::1) is in fe80::/10, link-local unicast (RFC 4291): " + Refusal)]
    public void Refusal_names_the_input_its_normal_form_and_the_range(string input, string expected)
    {
        OperatorAddress.TryParse(input, InternalRanges.Defaults, out _, out var error);

        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("8.8.8.8", "8.8.8.8", false)]
    [InlineData(" 1.1.1.1\n", "1.1.1.1", false)]
    [InlineData("134744072", "8.8.8.8", false)]
    [InlineData("0x08080808", "8.8.8.8", false)]
    [InlineData("0x8.0x8.0x8.0x8", "8.8.8.8", false)]
    [InlineData("8.8.2056", "8.8.8.8", false)]
    [InlineData("8.526344", "8.8.8.8", false)]
    [InlineData("008.008.008.008", "8.8.8.8", false)] // not octal (8 is no octal digit): only the decimal reading exists
    [InlineData("1.1.1.0/24", "1.1.1.0/24", true)]
    [InlineData("8.8.8.8/32", "8.8.8.8", false)]
    [InlineData("12.0.0.0/8", "12.0.0.0/8", true)]
    [InlineData("192.0.0.9", "192.0.0.9", false)] // PCP anycast: globally reachable
    [InlineData("::ffff:8.8.8.8", "8.8.8.8", false)]
    [InlineData("::ffff:808:808", "8.8.8.8", false)]
    [InlineData("::ffff:8.8.8.0/120", "8.8.8.0/24", true)]
    [InlineData("2606:4700:4700::1111", "2606:4700:4700::1111", false)]
    [InlineData("2606:4700:4700::1111/128", "2606:4700:4700::1111", false)]
    [InlineData("2606:4700::/32", "2606:4700::/32", true)]
    [InlineData("2A00:1450:4001::200E", "2a00:1450:4001::200e", false)]
    [InlineData("64:ff9b::8.8.8.8", "64:ff9b::808:808", false)]
    [InlineData("2002:0808:0808::1", "2002:808:808::1", false)]
    [InlineData("2001:1::1", "2001:1::1", false)]
    [InlineData("2001:3::/32", "2001:3::/32", true)]
    public void Public_address_in_any_spelling_is_accepted_in_normal_form(string input, string expected, bool isCidr)
    {
        var ok = OperatorAddress.TryParse(input, InternalRanges.Defaults, out var parsed, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, parsed.ToString());
        Assert.Equal(isCidr, parsed.IsCidr);
    }

    [Fact]
    public void IPv4_mapped_address_is_stored_as_IPv4()
    {
        OperatorAddress.TryParse("::ffff:1.2.3.4", InternalRanges.Defaults, out var parsed, out _);

        Assert.True(parsed.Prefix.IsIPv4);
        Assert.Equal(32, parsed.Prefix.Length);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1", false)]
    [InlineData("192.0.2.0/24", "192.0.2.0/24", true)]
    [InlineData("198.51.100.7", "198.51.100.7", false)]
    [InlineData("0xCB007105", "203.0.113.5", false)]
    [InlineData("3221226113", "192.0.2.129", false)]
    [InlineData("192.000.002.001", "192.0.2.1", false)] // leading zeros, same under both readings
    [InlineData("2001:db8::1", "2001:db8::1", false)]
    [InlineData("2001:DB8::/32", "2001:db8::/32", true)]
    [InlineData("64:ff9b::192.0.2.1", "64:ff9b::c000:201", false)]
    public void Documentation_ranges_treated_as_public_are_accepted(string input, string expected, bool isCidr)
    {
        Assert.False(OperatorAddress.TryParse(input, InternalRanges.Defaults, out _, out _));

        var ok = OperatorAddress.TryParse(input, InternalRangesTests.Lab, out var parsed, out var error);

        Assert.True(ok, error);
        Assert.Equal(expected, parsed.ToString());
        Assert.Equal(isCidr, parsed.IsCidr);
    }

    [Fact]
    public void Leading_zeros_with_two_public_readings_are_refused_as_ambiguous()
    {
        var ok = OperatorAddress.TryParse("011.1.1.1", InternalRanges.Defaults, out _, out var error);

        Assert.False(ok);
        Assert.Equal(
            "'011.1.1.1' is ambiguous: with its leading zeros read as octal (as inet_aton does) it is 9.1.1.1, read as decimal it is 11.1.1.1; write it without leading zeros",
            error);
    }

    [Theory]
    [InlineData("203.0.113.5/24", "'203.0.113.5/24' has host bits set; the network is 203.0.113.0/24")]
    [InlineData("0xCB007105/24", "'0xCB007105/24' (203.0.113.5/24) has host bits set; the network is 203.0.113.0/24")]
    [InlineData("1.2.3.4/8", "'1.2.3.4/8' has host bits set; the network is 1.0.0.0/8")]
    [InlineData("2001:db8::1/32", "'2001:db8::1/32' has host bits set; the network is 2001:db8::/32")]
    [InlineData("::ffff:8.8.8.8/120", "'::ffff:8.8.8.8/120' (8.8.8.8/24) has host bits set; the network is 8.8.8.0/24")]
    public void CIDR_with_host_bits_is_refused_naming_the_network(string input, string expected)
    {
        OperatorAddress.TryParse(input, InternalRanges.Defaults, out _, out var error);

        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("8.0.0.0/7", "'8.0.0.0/7' is broader than /8, the broadest IPv4 prefix allowed")]
    [InlineData("2600::/12", "'2600::/12' is broader than /32, the broadest IPv6 prefix allowed")]
    [InlineData("::ffff:8.0.0.0/103", "'::ffff:8.0.0.0/103' (8.0.0.0/7) is broader than /8, the broadest IPv4 prefix allowed")]
    public void CIDR_broader_than_the_limit_is_refused(string input, string expected)
    {
        OperatorAddress.TryParse(input, InternalRanges.Defaults, out _, out var error);

        Assert.Equal(expected, error);
    }

    [Fact]
    public void Breadth_limits_are_parameters()
    {
        Assert.False(OperatorAddress.TryParse("44.0.0.0/15", InternalRanges.Defaults, out _, out var error, maxIPv4Breadth: 16));
        Assert.Contains("broader than /16", error, StringComparison.Ordinal);
        Assert.True(OperatorAddress.TryParse("44.0.0.0/16", InternalRanges.Defaults, out _, out _, maxIPv4Breadth: 16));
        Assert.True(OperatorAddress.TryParse("2600::/12", InternalRanges.Defaults, out _, out _, maxIPv6Breadth: 12));
        Assert.False(OperatorAddress.TryParse("2606:4700::/32", InternalRanges.Defaults, out _, out _, maxIPv6Breadth: 48));
    }

    [Theory]
    [InlineData("2001:db8::1%2")]
    [InlineData("2001:db8::1%eth0")]
    [InlineData("192.0.2.0%eth0")]
    public void Zone_id_on_a_public_address_is_refused(string input)
    {
        var ok = OperatorAddress.TryParse(input, InternalRangesTests.Lab, out _, out var error);

        Assert.False(ok);
        Assert.Contains($"'{input}'", error, StringComparison.Ordinal);
        Assert.Contains(input.Contains(':', StringComparison.Ordinal) ? "a zone id is not part of a public address" : "is not an IPv4 or IPv6 address", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("::8.8.8.8", "'::8.8.8.8' is an IPv4-compatible address, deprecated (RFC 4291); write the IPv4 address 8.8.8.8 instead")]
    [InlineData("::808:808", "'::808:808' (::8.8.8.8) is an IPv4-compatible address, deprecated (RFC 4291); write the IPv4 address 8.8.8.8 instead")]
    public void IPv4_compatible_address_with_a_public_IPv4_is_refused_as_deprecated(string input, string expected)
    {
        OperatorAddress.TryParse(input, InternalRanges.Defaults, out _, out var error);

        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("", "an address or CIDR is required")]
    [InlineData("   ", "an address or CIDR is required")]
    [InlineData(null, "an address or CIDR is required")]
    [InlineData("example.com", "'example.com' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("1.2.3.4.5", "'1.2.3.4.5' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("256.1.1.1", "'256.1.1.1' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("1..2.3", "'1..2.3' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("1.2.3.", "'1.2.3.' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("0x", "'0x' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("4294967296", "'4294967296' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("1.2.3.4/33", "'1.2.3.4/33' has a prefix length of 33; IPv4 allows 0 to 32")]
    [InlineData("2001:db8::/129", "'2001:db8::/129' has a prefix length of 129; IPv6 allows 0 to 128")]
    [InlineData("1.2.3.4/", "'1.2.3.4/' has '' where a prefix length belongs")]
    [InlineData("1.2.3.4/-1", "'1.2.3.4/-1' has '-1' where a prefix length belongs")]
    [InlineData("1.2.3.0/24/24", "'1.2.3.0/24/24' has '24/24' where a prefix length belongs")]
    [InlineData("1:2:3", "'1:2:3' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("[2001:db8::1]", "'[2001:db8::1]' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("[2001:db8::1]:443", "'[2001:db8::1]:443' is not an IPv4 or IPv6 address or CIDR")]
    [InlineData("fe80::1%", "'fe80::1%' has a malformed zone id '%'")]
    [InlineData("::ffff:010.0.0.1", "'::ffff:010.0.0.1' has an IPv4 part that is not four decimal numbers from 0 to 255 without leading zeros")]
    [InlineData("1.2.3.4 5", "'1.2.3.4 5' is not an IPv4 or IPv6 address or CIDR")]
    public void Malformed_input_is_refused_naming_it(string? input, string expected)
    {
        var ok = OperatorAddress.TryParse(input, InternalRanges.Defaults, out _, out var error);

        Assert.False(ok);
        Assert.Equal(expected, error);
    }
}
