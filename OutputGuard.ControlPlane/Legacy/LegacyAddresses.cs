using OutputGuard.Addressing;
using OutputGuard.ControlPlane.State;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>
/// The allow-list as the replaced system's gateways understand it: IPv4 addresses and CIDRs for every port (they
/// program one iptables rule per address and know neither ports nor IPv6). A destination with a port rule, or an
/// IPv6 one, is not sent to them: sending it without its port rule would open more than was published.
/// </summary>
public static class LegacyAddresses
{
    /// <summary>"203.0.113.7" for a host prefix, "198.51.100.0/24" for a network.</summary>
    public static string Text(IpPrefix prefix) => prefix.IsHost ? prefix.Address.ToString() : prefix.ToString();

    /// <summary>The text of a stored prefix value ("203.0.113.7/32" → "203.0.113.7").</summary>
    public static string Text(string storedPrefix) =>
        IpPrefix.TryParse(storedPrefix, out var prefix, out _) ? Text(prefix) : storedPrefix;

    /// <summary>The legacy text of <paramref name="destination"/>, or null when a legacy gateway cannot hold it.</summary>
    public static string? Of(Destination destination) =>
        destination.Port is null && destination.Prefix.IsIPv4 ? Text(destination.Prefix) : null;

    /// <summary>The legacy addresses of the shared snapshot the sync streams send (read from the store once for every stream and socket).</summary>
    public static HashSet<string> Of(Sync.SharedSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        foreach (var destination in snapshot.Parts.SelectMany(p => p.Snapshot.Destinations))
        {
            if (destination.Protocol == V1.L4Protocol.Any && IpPrefix.TryParse(destination.Prefix, out var prefix, out _) && prefix.IsIPv4)
            {
                addresses.Add(Text(prefix));
            }
        }

        return addresses;
    }
}
