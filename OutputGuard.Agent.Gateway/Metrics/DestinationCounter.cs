namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>Bytes and packets of one destination in one direction.</summary>
/// <param name="Ip">The destination as the <c>ip</c> label shows it (an address, a CIDR or a range).</param>
/// <param name="Type"><c>OUTPUT</c> (client → destination) or <c>INPUT</c> (destination → client).</param>
/// <param name="Bytes">Bytes counted.</param>
/// <param name="Packets">Packets counted.</param>
public readonly record struct DestinationCounter(string Ip, string Type, ulong Bytes, ulong Packets);
