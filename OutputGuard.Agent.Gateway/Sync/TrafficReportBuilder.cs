using Google.Protobuf.WellKnownTypes;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Turns a counter reading into the TrafficReport the control plane keeps: per allowed element (an address or
/// a CIDR, every port rule summed, as the metrics have them) both directions, and the busiest denied addresses.
/// A merged interval that is no single CIDR ("first-last") has no prefix and is left out of the report (it stays in
/// the metrics).
/// </summary>
public static class TrafficReportBuilder
{
    /// <summary>Most destinations per report (the control plane keeps no more).</summary>
    public const int MaxDestinations = 20_000;

    /// <summary>Most denied destinations per report.</summary>
    public const int MaxDenied = 1_000;

    /// <summary>The report of <paramref name="snapshot"/>, read at <paramref name="time"/>.</summary>
    public static TrafficReport Build(CounterSnapshot snapshot, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var report = new TrafficReport { Time = Timestamp.FromDateTimeOffset(time) };
        var byLabel = new Dictionary<string, DestinationTraffic>(StringComparer.Ordinal);
        foreach (var c in snapshot.Allowed)
        {
            if (c.Bytes == 0 && c.Packets == 0)
            {
                continue;
            }

            if (!byLabel.TryGetValue(c.Ip, out var row))
            {
                if (c.Prefix is not { } prefix)
                {
                    continue;
                }

                byLabel[c.Ip] = row = new DestinationTraffic { Destination = new Destination { Prefix = prefix.ToString(), Protocol = L4Protocol.Any } };
            }

            if (c.Type == "INPUT")
            {
                row.InputBytes += c.Bytes;
                row.InputPackets += c.Packets;
            }
            else
            {
                row.OutputBytes += c.Bytes;
                row.OutputPackets += c.Packets;
            }
        }

        report.Destinations.AddRange(byLabel.Values.OrderByDescending(r => r.InputBytes + r.OutputBytes).Take(MaxDestinations));
        report.Denied.AddRange(snapshot.Denied.OrderByDescending(d => d.Packets).Take(MaxDenied).Select(d => new DeniedDestination
        {
            Address = d.Ip,
            Protocol = d.Protocol,
            Port = d.Port,
            Packets = d.Packets,
            Bytes = d.Bytes,
            LastSeen = Timestamp.FromDateTimeOffset(time),
        }));
        return report;
    }
}
