using System.Net;
using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Netlink.Routing;

/// <summary>
/// A route (struct rtmsg + RTA_* attributes). The destination carries the family: 0.0.0.0/0 and ::/0 are
/// the default routes. Either <see cref="Gateway"/>/<see cref="LinkIndex"/> or <see cref="NextHops"/> (multipath).
/// </summary>
public sealed record Route
{
    /// <summary>RTA_DST and rtm_dst_len.</summary>
    public required IpPrefix Destination { get; init; }

    /// <summary>RTA_GATEWAY of a single-path route.</summary>
    public IPAddress? Gateway { get; init; }

    /// <summary>RTA_OIF of a single-path route (0 when unset).</summary>
    public int LinkIndex { get; init; }

    /// <summary>The routing table (RTA_TABLE); 254 is "main".</summary>
    public uint Table { get; init; } = RtnlConstants.RT_TABLE_MAIN;

    /// <summary>rtm_protocol: who installed the route (3 boot, 4 static, or a number of your own such as 99).</summary>
    public byte Protocol { get; init; } = RtnlConstants.RTPROT_BOOT;

    /// <summary>RTA_PRIORITY (the metric); null when the kernel default applies.</summary>
    public uint? Metric { get; init; }

    /// <summary>rtm_scope (0 universe, 253 link, 254 host). Null picks link scope for routes without a gateway.</summary>
    public byte? Scope { get; init; }

    /// <summary>rtm_type (1 unicast, 2 local, 6 blackhole, 7 unreachable …).</summary>
    public byte Type { get; init; } = RtnlConstants.RTN_UNICAST;

    /// <summary>RTA_PREFSRC.</summary>
    public IPAddress? PreferredSource { get; init; }

    /// <summary>RTA_MULTIPATH next hops; empty for a single-path route.</summary>
    public IReadOnlyList<NextHop> NextHops { get; init; } = [];

    /// <summary>The address family of the destination.</summary>
    public AddressFamily Family => Destination.Family;

    /// <inheritdoc />
    public override string ToString()
    {
        var via = NextHops.Count > 0
            ? string.Join(' ', NextHops.Select(h => $"nexthop via {h.Gateway} dev #{h.LinkIndex} weight {h.Weight}"))
            : $"via {Gateway} dev #{LinkIndex}";
        return FormattableString.Invariant($"{Destination} {via} table {Table} proto {Protocol} metric {Metric}");
    }
}
