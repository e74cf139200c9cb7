using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>Bytes and packets of one destination in one direction.</summary>
/// <param name="Ip">The destination as the <c>ip</c> label shows it (an address, a CIDR or a range).</param>
/// <param name="Prefix">The destination when it is one prefix (a host or a CIDR); null for a range that is none.</param>
/// <param name="Type"><c>OUTPUT</c> (client → destination) or <c>INPUT</c> (destination → client).</param>
/// <param name="Bytes">Bytes counted.</param>
/// <param name="Packets">Packets counted.</param>
public readonly record struct DestinationCounter(string Ip, IpPrefix? Prefix, string Type, ulong Bytes, ulong Packets)
{
    /// <summary>The counter of the addresses <paramref name="first"/> to <paramref name="last"/>, labelled by <see cref="Label(AddressFamily, UInt128, UInt128)"/>.</summary>
    public static DestinationCounter Of(AddressFamily family, UInt128 first, UInt128 last, string type, ulong bytes, ulong packets)
    {
        var prefixes = PrefixMath.FromRange(family, first, last);
        IpPrefix? prefix = prefixes.Count == 1 ? prefixes[0] : null;
        return new DestinationCounter(Label(family, first, last, prefix), prefix, type, bytes, packets);
    }

    /// <summary>The label of an address range: the address for a host, the CIDR when it is one, else FIRST-LAST.</summary>
    public static string Label(AddressFamily family, UInt128 first, UInt128 last)
    {
        var prefixes = PrefixMath.FromRange(family, first, last);
        return Label(family, first, last, prefixes.Count == 1 ? prefixes[0] : null);
    }

    private static string Label(AddressFamily family, UInt128 first, UInt128 last, IpPrefix? prefix) => prefix switch
    {
        { IsHost: true } host => host.Address.ToString(),
        { } net => net.ToString(),
        null => $"{IpPrefix.ToAddress(family, first)}-{IpPrefix.ToAddress(family, last)}",
    };
}
