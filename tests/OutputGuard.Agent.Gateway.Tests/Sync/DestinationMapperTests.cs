using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.Sync;

[Trait(Tier.Name, Tier.Fast)]
public sealed class DestinationMapperTests
{
    public static TheoryData<string, int, uint, uint, string> Malformed => new()
    {
        { "203.0.113.11/32", 256, 443, 443, "protocol 256" },
        { "203.0.113.11/32", 1, 0, 0, "protocol 1" },
        { "203.0.113.11/32", 6, 0, 0, "port range 0-0" },
        { "203.0.113.11/32", 6, 443, 80, "port range 443-80" },
        { "203.0.113.11/32", 17, 1, 65536, "port range 1-65536" },
        { "203.0.113.11/32", 0, 443, 443, "without a protocol" },
        { "203.0.113.0/33", 0, 0, 0, "'33' is not a prefix length" },
        { "2001:db8::/129", 0, 0, 0, "'129' is not a prefix length" },
        { "203.0.113.11", 0, 0, 0, "canonical" },
        { "203.0.113.1/24", 0, 0, 0, "host bits" },
        { "198.51.100", 0, 0, 0, "canonical" },
        { "", 0, 0, 0, "empty" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_destination_is_refused_with_the_reason_never_widened(string prefix, int protocol, uint from, uint to, string reason)
    {
        var destination = new Destination { Prefix = prefix, Protocol = (L4Protocol)protocol, PortFrom = from, PortTo = to };

        var (accepted, refused) = DestinationMapper.Map([destination]);

        Assert.Empty(accepted);
        Assert.Contains(reason, Assert.Single(refused).Reason, StringComparison.Ordinal);
        Assert.Same(destination, refused[0].Destination);
    }

    [Fact]
    public void Well_formed_destinations_map_to_exactly_what_they_say()
    {
        var (accepted, refused) = DestinationMapper.Map([
            new Destination { Prefix = "203.0.113.10/32", Protocol = L4Protocol.Any },
            new Destination { Prefix = "198.51.100.0/24", Protocol = L4Protocol.Udp, PortFrom = 53, PortTo = 53 },
            new Destination { Prefix = "2001:db8::/48", Protocol = L4Protocol.Tcp, PortFrom = 1, PortTo = 65535 },
        ]);

        Assert.Empty(refused);
        Assert.Equal(["203.0.113.10/32", "198.51.100.0/24 udp/53", "2001:db8::/48 tcp/1-65535"], accepted.Select(a => a.ToString()));
    }
}
