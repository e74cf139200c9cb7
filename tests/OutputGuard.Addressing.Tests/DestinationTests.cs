namespace OutputGuard.Addressing.Tests;

public sealed class DestinationTests
{
    [Theory]
    [InlineData("203.0.113.7/32")]
    [InlineData("198.51.100.0/24")]
    [InlineData("203.0.113.7/32 tcp/443")]
    [InlineData("203.0.113.7/32 udp/53")]
    [InlineData("203.0.113.0/24 tcp/8000-8100")]
    [InlineData("2001:db8::7/128 tcp/1-65535")]
    [InlineData("2001:db8::/32")]
    public void Text_form_reads_back_to_the_same_destination_and_the_same_text(string text)
    {
        var destination = Destination.Parse(text);

        Assert.Equal(text, destination.ToString());
        Assert.Equal(destination, Destination.Parse(destination.ToString()));
    }

    [Fact]
    public void Text_form_says_prefix_protocol_and_ports()
    {
        var destination = Destination.Parse("203.0.113.0/24 udp/5000-5010");

        Assert.Equal(IpPrefix.Parse("203.0.113.0/24"), destination.Prefix);
        Assert.Equal(new PortRule(L4Protocol.Udp, 5000, 5010), destination.Port);
        Assert.False(destination.AllPorts);
        Assert.True(Destination.Parse("203.0.113.7/32").AllPorts);
    }

    [Fact]
    public void Prefix_in_another_spelling_reads_as_the_same_destination_written_canonically()
    {
        Assert.Equal("2001:db8::/128 tcp/443", Destination.Parse("2001:db8::0/128 tcp/443").ToString());
        Assert.Equal("203.0.113.7/32", Destination.Parse("203.0.113.7").ToString());
    }

    [Theory]
    [InlineData("", "characters")]
    [InlineData("203.0.113.7/24", "203.0.113.7/24")]
    [InlineData("203.0.113.7/33", "203.0.113.7/33")]
    [InlineData("203.0.113.7/32 TCP/443", "not a port rule")]
    [InlineData("203.0.113.7/32 tcp/0443", "not a port rule")]
    [InlineData("203.0.113.7/32 tcp/443-443", "not a port rule")]
    [InlineData("203.0.113.7/32 tcp/444-443", "not a port rule")]
    [InlineData("203.0.113.7/32 tcp/65536", "not a port rule")]
    [InlineData("203.0.113.7/32 icmp/1", "not a port rule")]
    [InlineData("203.0.113.7/32  tcp/443", "not a port rule")]
    [InlineData("203.0.113.7/32 tcp/443 ", "not a port rule")]
    [InlineData("203.0.113.7/32 6 443 443", "not a port rule")]
    public void Text_that_is_not_the_one_canonical_form_is_refused_with_a_reason(string text, string reason)
    {
        Assert.False(Destination.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Destination.Parse(text));
    }

    [Fact]
    public void Overlong_text_is_refused_before_it_is_read()
    {
        Assert.False(Destination.TryParse("203.0.113.7/32 tcp/" + new string('1', Destination.MaxTextLength), out _, out var error));
        Assert.Contains($"1 to {Destination.MaxTextLength} characters", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 0, "203.0.113.7/32")]
    [InlineData(6, 443, 443, "203.0.113.7/32 tcp/443")]
    [InlineData(17, 1, 65535, "203.0.113.7/32 udp/1-65535")]
    public void Wire_fields_in_range_make_exactly_that_destination(long protocol, long from, long to, string expected)
    {
        Assert.True(Destination.TryCreate(IpPrefix.Parse("203.0.113.7/32"), protocol, from, to, out var destination, out var error), error);
        Assert.Equal(expected, destination.ToString());
    }

    [Theory]
    [InlineData(0, 80, 80, "without a protocol")]
    [InlineData(1, 0, 0, "protocol 1 is not")]
    [InlineData(256, 0, 0, "protocol 256 is not")]
    [InlineData(6, 0, 0, "port range 0-0")]
    [InlineData(6, 443, 80, "port range 443-80")]
    [InlineData(17, 1, 65536, "port range 1-65536")]
    public void Wire_fields_out_of_range_are_refused_never_widened(long protocol, long from, long to, string reason)
    {
        Assert.False(Destination.TryCreate(IpPrefix.Parse("203.0.113.7/32"), protocol, from, to, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Destinations_order_by_prefix_then_every_port_first_then_port_rule()
    {
        string[] sorted = ["198.51.100.0/24", "203.0.113.7/32", "203.0.113.7/32 tcp/80", "203.0.113.7/32 tcp/443", "203.0.113.7/32 udp/53"];

        var parsed = sorted.Reverse().Select(Destination.Parse).Order().Select(d => d.ToString());

        Assert.Equal(sorted, parsed);
    }

    [Fact]
    public void An_allowance_contributes_its_prefix_with_each_port_rule_or_every_port()
    {
        var prefix = IpPrefix.Parse("203.0.113.7/32");

        Assert.Equal([Destination.Any(prefix)], Destination.For(prefix, []));
        Assert.Equal(["203.0.113.7/32 tcp/443", "203.0.113.7/32 udp/53"], Destination.For(prefix, [new PortRule(L4Protocol.Tcp, 443, 443), new PortRule(L4Protocol.Udp, 53, 53)]).Select(d => d.ToString()));
    }
}
