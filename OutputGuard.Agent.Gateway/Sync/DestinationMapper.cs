using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Addressing;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>Wire destinations (the .proto contract) to the domain's <see cref="AllowedDestination"/>.</summary>
public static class DestinationMapper
{
    /// <summary>Converts one destination; throws <see cref="FormatException"/> naming a malformed one.</summary>
    public static AllowedDestination ToDomain(Destination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!IpPrefix.TryParse(destination.Prefix, out var prefix, out var error))
        {
            throw new FormatException($"destination '{destination.Prefix}': {error}");
        }

        if (destination.Protocol == L4Protocol.Any)
        {
            return AllowedDestination.Any(prefix);
        }

        if (destination.PortFrom > ushort.MaxValue || destination.PortTo > ushort.MaxValue || destination.PortFrom > destination.PortTo)
        {
            throw new FormatException($"destination '{destination.Prefix}': bad port range {destination.PortFrom}-{destination.PortTo}");
        }

        return new AllowedDestination(prefix, (byte)destination.Protocol, (ushort)destination.PortFrom, (ushort)destination.PortTo);
    }

    /// <summary>Converts a list.</summary>
    public static List<AllowedDestination> ToDomain(IEnumerable<Destination> destinations) => [.. destinations.Select(ToDomain)];
}
