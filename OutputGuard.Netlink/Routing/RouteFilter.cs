using OutputGuard.Addressing;

namespace OutputGuard.Netlink.Routing;

/// <summary>Which routes <see cref="Rtnl.RouteListFiltered"/> returns; null fields match anything.</summary>
public sealed record RouteFilter
{
    /// <summary>Only this table; null means every table (including local).</summary>
    public uint? Table { get; init; }

    /// <summary>Only routes installed with this protocol number.</summary>
    public byte? Protocol { get; init; }

    /// <summary>Only this exact destination.</summary>
    public IpPrefix? Destination { get; init; }

    /// <summary>Only routes out of this interface (single path) or with a next hop on it.</summary>
    public int? LinkIndex { get; init; }

    internal bool Matches(Route route) =>
        (Table is null || route.Table == Table)
        && (Protocol is null || route.Protocol == Protocol)
        && (Destination is null || route.Destination == Destination)
        && (LinkIndex is null || route.LinkIndex == LinkIndex || route.NextHops.Any(h => h.LinkIndex == LinkIndex));
}
