using System.Globalization;
using OutputGuard.Addressing;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Netlink.Routing;

namespace OutputGuard.Agent.Route.Gateways;

/// <summary>
/// Finds the interface each gateway is on-link through: an up interface with an address whose subnet holds
/// the gateway, or a directly connected (gateway-less) route that covers it. The route agent never routes
/// through a gateway that is itself behind a router: the gateway must be a neighbour.
/// </summary>
public static class GatewayLinkResolver
{
    /// <summary>
    /// Resolves every gateway; <paramref name="problems"/> gets one clear sentence for each that is not on-link,
    /// naming the address and the host's interfaces.
    /// </summary>
    public static IReadOnlyList<OnLinkGateway> Resolve(
        Rtnl rtnl, IEnumerable<GatewayAddress> gateways, uint table, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(rtnl);
        ArgumentNullException.ThrowIfNull(gateways);
        var links = rtnl.LinkList().ToDictionary(l => l.Index);
        var addresses = rtnl.AddrList();
        IReadOnlyList<Netlink.Routing.Route>? connected = null;
        var found = new List<OnLinkGateway>();
        var errors = new List<string>();
        foreach (var gateway in gateways)
        {
            if (gateway.InterfaceName is { } name)
            {
                var link = links.Values.FirstOrDefault(l => l.Name == name);
                if (link is null)
                {
                    errors.Add($"gateway {gateway}: there is no interface named {name} (interfaces: {Describe(links.Values, addresses)})");
                }
                else if (!link.IsUp)
                {
                    errors.Add($"gateway {gateway}: interface {name} is down");
                }
                else
                {
                    found.Add(new OnLinkGateway(gateway, link.Index, link.Name));
                }

                continue;
            }

            if (addresses.FirstOrDefault(a => a.Address.Equals(gateway.Address)) is { } own)
            {
                errors.Add($"gateway {gateway} is this host's own address (on {NameOf(links, own.LinkIndex)}); give the gateway's address");
                continue;
            }

            var subnet = addresses.FirstOrDefault(a =>
                a.Address.AddressFamily == gateway.Family
                && a.PrefixLength < IpPrefix.MaxLengthOf(a.Address.AddressFamily)
                && IpPrefix.Create(a.Address, a.PrefixLength).Contains(gateway.Address));
            var linkIndex = subnet?.LinkIndex;
            if (linkIndex is null)
            {
                connected ??= rtnl.RouteListFiltered(gateway.Family, new RouteFilter { Table = table });
                linkIndex = connected
                    .Where(r => r.Gateway is null && r.NextHops.Count == 0 && r.LinkIndex != 0 && r.Type == 1
                        && r.Destination.Contains(gateway.Address))
                    .OrderByDescending(r => r.Destination.Length)
                    .Select(r => (int?)r.LinkIndex)
                    .FirstOrDefault();
            }

            if (linkIndex is not { } index || !links.TryGetValue(index, out var onLink))
            {
                errors.Add(string.Create(
                    CultureInfo.InvariantCulture,
                    $"gateway {gateway} is not on-link: no interface has an address in its subnet and no connected route covers it (interfaces: {Describe(links.Values, addresses)}); the gateway must be a neighbour in one of these subnets"));
            }
            else if (!onLink.IsUp)
            {
                errors.Add($"gateway {gateway} is on-link through {onLink.Name}, which is down");
            }
            else
            {
                found.Add(new OnLinkGateway(gateway, index, onLink.Name));
            }
        }

        problems = errors;
        return found;
    }

    private static string NameOf(Dictionary<int, Link> links, int index) =>
        links.TryGetValue(index, out var l) ? l.Name : "#" + index.ToString(CultureInfo.InvariantCulture);

    private static string Describe(IEnumerable<Link> links, IReadOnlyList<InterfaceAddress> addresses)
    {
        var parts = links.OrderBy(l => l.Index).Select(l =>
        {
            var mine = addresses.Where(a => a.LinkIndex == l.Index && a.Scope != 253)
                .Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Address}/{a.PrefixLength}"));
            var list = string.Join(' ', mine);
            return $"{l.Name}{(l.IsUp ? "" : " (down)")} {(list.Length == 0 ? "no address" : list)}";
        });
        return string.Join(", ", parts);
    }
}
