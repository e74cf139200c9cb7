using OutputGuard.Addressing;
using V1 = OutputGuard.V1;

namespace OutputGuard.ControlPlane.Traffic;

/// <summary>Turns a gateway's TrafficReport into store rows, bounded and validated.</summary>
public static class TrafficReports
{
    /// <summary>Most destinations kept per gateway report.</summary>
    public const int MaxDestinations = 20_000;

    /// <summary>Most denied destinations kept per gateway report.</summary>
    public const int MaxDenied = 1_000;

    /// <summary>
    /// The report's rows, stamped with <paramref name="receivedAt"/> (the server's clock, not the gateway's):
    /// malformed destinations are dropped, a destination reported twice counts once, and past the caps the
    /// busiest rows are kept, so a misbehaving gateway cannot grow the store without bound.
    /// </summary>
    public static (List<DestinationTotals> Destinations, List<DeniedTotals> Denied) Read(V1.TrafficReport report, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        var destinations = report.Destinations
            .Select(d => TryDestination(d.Destination, out var destination)
                ? new DestinationTotals(destination, d.OutputBytes, d.OutputPackets, d.InputBytes, d.InputPackets, 1, receivedAt)
                : null)
            .OfType<DestinationTotals>()
            .DistinctBy(d => d.Destination)
            .OrderByDescending(d => (UInt128)d.InputBytes + d.OutputBytes)
            .Take(MaxDestinations)
            .ToList();
        var denied = report.Denied
            .Where(d => d.Address.Length <= 64 && IpPrefix.TryParse(d.Address, out var p, out _) && p.IsHost && d.Protocol <= 255 && d.Port <= 65535)
            .Select(d => new DeniedTotals(
                IpPrefix.Parse(d.Address).Address.ToString(), (int)d.Protocol, (int)d.Port, d.Packets, d.Bytes,
                Earliest(d.LastSeen?.ToDateTimeOffset() ?? receivedAt, receivedAt), 1))
            .DistinctBy(d => (d.Address, d.Protocol, d.Port))
            .OrderByDescending(d => d.Packets)
            .Take(MaxDenied)
            .ToList();
        return (destinations, denied);
    }

    private static DateTimeOffset Earliest(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static bool TryDestination(V1.Destination? d, out Destination destination)
    {
        destination = default;
        return d is not null && d.Prefix.Length <= 64 && IpPrefix.TryParse(d.Prefix, out var prefix, out _)
            && Destination.TryCreate(prefix, (int)d.Protocol, d.PortFrom, d.PortTo, out destination, out _);
    }
}
