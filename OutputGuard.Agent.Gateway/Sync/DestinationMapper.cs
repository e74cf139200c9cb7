using OutputGuard.Addressing;
using OutputGuard.V1;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Wire destinations (the .proto contract) to the domain's <see cref="Addressing.Destination"/> (the gateway only reads them). Every field
/// is range-checked: the prefix in canonical form with a length the family has, then protocol and ports as
/// <see cref="Addressing.Destination.TryCreate"/> reads them. A destination that fails is refused as a whole — never
/// widened (protocol 256 is not "any") nor narrowed.
/// </summary>
public static class DestinationMapper
{
    /// <summary>Converts <paramref name="destinations"/>, setting the refused ones aside with their reasons.</summary>
    public static (List<Addressing.Destination> Accepted, List<RefusedDestination> Refused) Map(IEnumerable<WireDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var accepted = new List<Addressing.Destination>();
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
    public static bool TryMap(WireDestination destination, out Addressing.Destination result, out string reason)
    {
        ArgumentNullException.ThrowIfNull(destination);
        result = default;
        if (!IpPrefix.TryParse(destination.Prefix, out var prefix, out var error))
        {
            reason = $"prefix '{Shorten(destination.Prefix)}': {error}";
            return false;
        }

        Span<char> canonical = stackalloc char[64];
        if (!prefix.TryFormat(canonical, out var length) || !canonical[..length].SequenceEqual(destination.Prefix))
        {
            reason = $"prefix '{Shorten(destination.Prefix)}' is not in canonical form ({prefix})";
            return false;
        }

        var created = Addressing.Destination.TryCreate(prefix, (int)destination.Protocol, destination.PortFrom, destination.PortTo, out result, out var invalid);
        reason = invalid ?? string.Empty;
        return created;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
