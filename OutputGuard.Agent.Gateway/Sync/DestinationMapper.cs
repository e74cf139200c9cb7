using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Addressing;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Wire destinations (the .proto contract) to the domain's <see cref="AllowedDestination"/>, range-checking every
/// field: the prefix in canonical form with a length the family has, protocol 0 (every port of every protocol), 6
/// or 17 and nothing else, ports 1–65535 in order for a protocol and none without one. A destination that fails is
/// refused as a whole — never widened (protocol 256 is not "any") nor narrowed.
/// </summary>
public static class DestinationMapper
{
    /// <summary>Converts <paramref name="destinations"/>, setting the refused ones aside with their reasons.</summary>
    public static (List<AllowedDestination> Accepted, List<RefusedDestination> Refused) Map(IEnumerable<Destination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var accepted = new List<AllowedDestination>();
        var refused = new List<RefusedDestination>();
        foreach (var d in destinations)
        {
            if (TryMap(d, out var mapped, out var reason))
            {
                accepted.Add(mapped);
            }
            else
            {
                refused.Add(new RefusedDestination { Destination = d, Reason = reason });
            }
        }

        return (accepted, refused);
    }

    /// <summary>Converts one destination, or says why it is refused.</summary>
    public static bool TryMap(Destination destination, out AllowedDestination result, out string reason)
    {
        ArgumentNullException.ThrowIfNull(destination);
        result = default;
        if (!IpPrefix.TryParse(destination.Prefix, out var prefix, out var error))
        {
            reason = $"prefix '{Shorten(destination.Prefix)}': {error}";
            return false;
        }

        if (prefix.ToString() != destination.Prefix)
        {
            reason = $"prefix '{Shorten(destination.Prefix)}' is not in canonical form ({prefix})";
            return false;
        }

        var protocol = (int)destination.Protocol;
        if (protocol == 0)
        {
            if (destination.PortFrom != 0 || destination.PortTo != 0)
            {
                reason = $"ports {destination.PortFrom}-{destination.PortTo} without a protocol";
                return false;
            }

            result = AllowedDestination.Any(prefix);
            reason = string.Empty;
            return true;
        }

        if (protocol is not (6 or 17))
        {
            reason = $"protocol {protocol} is not 0 (any), 6 (tcp) or 17 (udp)";
            return false;
        }

        if (destination.PortFrom is < 1 or > ushort.MaxValue || destination.PortTo is < 1 or > ushort.MaxValue || destination.PortFrom > destination.PortTo)
        {
            reason = $"port range {destination.PortFrom}-{destination.PortTo} is not within 1-65535 in order";
            return false;
        }

        result = new AllowedDestination(prefix, (byte)protocol, (ushort)destination.PortFrom, (ushort)destination.PortTo);
        reason = string.Empty;
        return true;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
