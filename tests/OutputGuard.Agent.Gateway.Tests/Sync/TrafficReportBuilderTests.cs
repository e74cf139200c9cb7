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
                new DestinationCounter("203.0.113.7", "OUTPUT", 100, 2),
                new DestinationCounter("203.0.113.7", "INPUT", 5000, 4),
                new DestinationCounter("198.51.100.0/24", "OUTPUT", 9000, 9),
                new DestinationCounter("2001:db8::1", "INPUT", 0, 0),
                new DestinationCounter("192.0.2.0-192.0.2.2", "OUTPUT", 70000, 70),
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
}
