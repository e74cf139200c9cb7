using System.Net;

namespace OutputGuard.Netlink.Routing;

/// <summary>One next hop of a multipath route (struct rtnexthop + RTA_GATEWAY).</summary>
/// <param name="Gateway">The gateway, or null for a directly connected next hop.</param>
/// <param name="LinkIndex">The output interface index (0 lets the kernel resolve it from the gateway).</param>
/// <param name="Weight">The weight, 1 to 256 (rtnh_hops + 1).</param>
public sealed record NextHop(IPAddress? Gateway, int LinkIndex = 0, int Weight = 1);
