namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>One exported series: a key (a destination's <c>ip</c> label, an entry), a direction and its running totals.</summary>
/// <param name="Key">The label value: an address, a CIDR, a range, an entry, or <see cref="BusiestSeries.Other"/>.</param>
/// <param name="Type"><c>OUTPUT</c> (client → destination) or <c>INPUT</c> (destination → client).</param>
/// <param name="Bytes">Bytes counted.</param>
/// <param name="Packets">Packets counted.</param>
public readonly record struct SeriesValue(string Key, string Type, ulong Bytes, ulong Packets);
