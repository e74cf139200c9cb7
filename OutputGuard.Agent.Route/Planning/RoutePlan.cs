using System.Net;
using System.Net.Sockets;
using OutputGuard.Addressing;
using OutputGuard.Agent.Route.Configuration;

namespace OutputGuard.Agent.Route.Planning;

/// <summary>
/// The routes the agent wants: every public prefix (the exact complement of the internal ranges, as the
/// fewest CIDRs) of each family that has a gateway, through that family's gateways.
/// </summary>
public sealed class RoutePlan
{
    private RoutePlan(InternalRanges ranges, IReadOnlyDictionary<AddressFamily, IReadOnlyList<IpPrefix>> prefixes)
    {
        Ranges = ranges;
        Prefixes = prefixes;
    }

    /// <summary>The internal ranges the plan was made from.</summary>
    public InternalRanges Ranges { get; }

    /// <summary>The public prefixes per family that has a gateway.</summary>
    public IReadOnlyDictionary<AddressFamily, IReadOnlyList<IpPrefix>> Prefixes { get; }

    /// <summary>The families routed (IPv4 when an IPv4 gateway is given, IPv6 when an IPv6 one is).</summary>
    public IEnumerable<AddressFamily> Families => Prefixes.Keys;

    /// <summary>Every prefix of every family, IPv4 first.</summary>
    public IEnumerable<IpPrefix> All => Prefixes.OrderBy(p => p.Key == AddressFamily.InterNetwork ? 0 : 1).SelectMany(p => p.Value);

    /// <summary>
    /// The plan for the defaults plus <paramref name="internalRanges"/>, minus <paramref name="treatAsPublic"/>,
    /// for the families of <paramref name="gateways"/>.
    /// </summary>
    public static RoutePlan Create(
        IEnumerable<IpPrefix> internalRanges, IEnumerable<IpPrefix> treatAsPublic, IEnumerable<IPAddress> gateways)
    {
        var ranges = InternalRanges.Create(internalRanges, treatAsPublic);
        var families = gateways.Select(g => g.AddressFamily).Distinct().Order().ToList();
        return new RoutePlan(ranges, families.ToDictionary(f => f, ranges.PublicPrefixes));
    }

    /// <summary>The plan for validated options.</summary>
    public static RoutePlan Create(RouteAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options.Internal, options.TreatAsPublic, options.Gateways.Select(g => g.Address));
    }
}
