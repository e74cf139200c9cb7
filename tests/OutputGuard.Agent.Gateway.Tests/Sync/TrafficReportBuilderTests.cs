using System.Net;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Tests.Sync;

[Trait(Tier.Name, Tier.Fast)]
public sealed class TrafficReportBuilderTests
{
    [Fact]
    public void Both_directions_of_an_element_become_one_row_busiest_first_and_idle_or_range_labels_are_left_out_and_denied_rows_keep_protocol_and_port()
    {
        var snapshot = new CounterSnapshot(
            [
                Counter("203.0.113.7", "OUTPUT", 100, 2),
                Counter("203.0.113.7", "INPUT", 5000, 4),
                Counter("198.51.100.0/24", "OUTPUT", 9000, 9),
                Counter("2001:db8::1", "INPUT", 0, 0),
                Counter("192.0.2.0-192.0.2.2", "OUTPUT", 70000, 70),
            ],
            [new DeniedCounter("192.0.2.99", 6, 8081, 120, 2)],
            1,
            [],
            0);

        var report = TrafficReportBuilder.Build(snapshot, DateTimeOffset.UnixEpoch);

        Assert.Equal(["198.51.100.0/24", "203.0.113.7/32"], report.Destinations.Select(d => d.Destination.Prefix));
        var host = report.Destinations[1];
        Assert.Equal((100ul, 2ul, 5000ul, 4ul), (host.OutputBytes, host.OutputPackets, host.InputBytes, host.InputPackets));
        Assert.Equal(("192.0.2.99", 6u, 8081u, 2ul), (report.Denied.Single().Address, report.Denied.Single().Protocol, report.Denied.Single().Port, report.Denied.Single().Packets));
    }

    /// <summary>The counter the reader makes of an address, a CIDR or a FIRST-LAST range.</summary>
    private static DestinationCounter Counter(string range, string type, ulong bytes, ulong packets)
    {
        var parts = range.Split('-');
        var prefix = parts.Length == 1 && range.Contains('/', StringComparison.Ordinal) ? IpPrefix.Parse(range) : IpPrefix.Host(IPAddress.Parse(parts[0]));
        var last = parts.Length == 2 ? IpPrefix.ToNumber(IPAddress.Parse(parts[1])) : prefix.Last;
        return DestinationCounter.Of(prefix.Family, prefix.First, last, type, bytes, packets);
    }
}
