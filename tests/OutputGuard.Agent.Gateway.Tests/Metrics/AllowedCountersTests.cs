using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Metrics;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

public sealed class AllowedCountersTests
{
    private static DestinationCounter C(string ip, string type, ulong bytes) =>
        new(ip, ip.Contains('/', StringComparison.Ordinal) ? IpPrefix.Parse(ip) : IpPrefix.Host(System.Net.IPAddress.Parse(ip)), type, bytes, bytes / 100);

    [Fact]
    public void Hosts_are_kept_as_numbers_summed_per_direction_and_listed_with_their_labels_by_index_and_in_order()
    {
        var allowed = AllowedCounters.From([
            C("203.0.113.9", "OUTPUT", 100), C("198.51.100.0/24", "INPUT", 500), C("203.0.113.1", "INPUT", 300),
            C("203.0.113.9", "OUTPUT", 50), C("2001:db8::1", "OUTPUT", 700), C("203.0.113.9", "INPUT", 900)]);

        Assert.Equal(3, allowed.HostCount);
        Assert.Equal(4, allowed.Destinations);
        Assert.Equal(new HostCounter(System.Net.Sockets.AddressFamily.InterNetwork, IpPrefix.Parse("203.0.113.9").First, 150, 1, 900, 9, true, true), allowed.Host(1));
        Assert.Equal(
            ["203.0.113.1 INPUT 300", "203.0.113.9 OUTPUT 150", "203.0.113.9 INPUT 900", "2001:db8::1 OUTPUT 700", "198.51.100.0/24 INPUT 500"],
            allowed.Select(c => $"{c.Ip} {c.Type} {c.Bytes}"));
        Assert.Equal(allowed.ToList(), Enumerable.Range(0, allowed.Count).Select(i => allowed[i]));
        Assert.True(allowed[2].Prefix is { IsHost: true });
    }
}
