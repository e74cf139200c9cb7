using System.Globalization;

namespace OutputGuard.ControlPlane.Traffic;

/// <summary>
/// Whether a gateway's report is believable next to its previous one: kernel counters only grow, and they
/// cannot grow by more than the gateway's links carry in the time between the two reports. A counter that
/// went backwards is either a lie or a reset (a re-created element, a rebooted host); the refused report is
/// kept as the new reference for the destinations that went backwards, so a real reset is accepted with the
/// next report, while a report that contradicts both is refused again.
/// </summary>
public static class TrafficCheck
{
    /// <summary>How many times what the link capacity carries a report may show, for the jitter of report timing.</summary>
    public const int CapacitySlack = 2;

    /// <summary>
    /// Null when <paramref name="next"/> may replace <paramref name="previous"/>; else the reason it is refused.
    /// <paramref name="resetCandidates"/> overrides <paramref name="previous"/> per destination key; on a refusal
    /// for counters that went backwards, <paramref name="wentBackwards"/> holds those rows of <paramref name="next"/>.
    /// </summary>
    public static string? Refusal(
        TrafficBaseline previous,
        IReadOnlyList<DestinationTotals> next,
        DateTimeOffset nextAt,
        long linkBitsPerSecond,
        IReadOnlyDictionary<string, TrafficCounters>? resetCandidates,
        out Dictionary<string, TrafficCounters> wentBackwards)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        wentBackwards = new Dictionary<string, TrafficCounters>(StringComparer.Ordinal);
        if (previous.ReportedAt is not { } since)
        {
            return null;
        }

        UInt128 outGrowth = 0, inGrowth = 0, packetGrowth = 0, byteGrowth = 0;
        string? example = null;
        foreach (var row in next)
        {
            var key = row.Destination.ToString();
            TrafficCounters reference;
            if (resetCandidates?.TryGetValue(key, out var candidate) == true)
            {
                reference = candidate;
            }
            else if (!previous.Counters.TryGetValue(key, out reference))
            {
                continue;
            }

            if (row.OutputBytes < reference.OutputBytes || row.OutputPackets < reference.OutputPackets
                || row.InputBytes < reference.InputBytes || row.InputPackets < reference.InputPackets)
            {
                wentBackwards[key] = TrafficCounters.Of(row);
                example ??= string.Create(
                    CultureInfo.InvariantCulture,
                    $"{key}: output bytes {reference.OutputBytes} -> {row.OutputBytes}, input bytes {reference.InputBytes} -> {row.InputBytes}");
                continue;
            }

            outGrowth += row.OutputBytes - reference.OutputBytes;
            inGrowth += row.InputBytes - reference.InputBytes;
            byteGrowth += (UInt128)(row.OutputBytes - reference.OutputBytes) + (row.InputBytes - reference.InputBytes);
            packetGrowth += (UInt128)(row.OutputPackets - reference.OutputPackets) + (row.InputPackets - reference.InputPackets);
        }

        if (wentBackwards.Count > 0)
        {
            return string.Create(
                CultureInfo.InvariantCulture, $"the counters of {wentBackwards.Count} destination(s) went backwards (e.g. {example}); taken as a reset if the next report agrees");
        }

        var seconds = Math.Max(1.0, (nextAt - since).TotalSeconds);
        var allowance = (UInt128)(linkBitsPerSecond / 8.0 * seconds * CapacitySlack);
        if (outGrowth > allowance || inGrowth > allowance)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"the counters grew by {outGrowth} bytes out and {inGrowth} bytes in over {seconds:0.#} s, more than {CapacitySlack} x traffic_link_capacity_bps ({linkBitsPerSecond} bit/s) carries");
        }

        return packetGrowth > byteGrowth
            ? string.Create(CultureInfo.InvariantCulture, $"the counters grew by {packetGrowth} packets but only {byteGrowth} bytes")
            : null;
    }
}
