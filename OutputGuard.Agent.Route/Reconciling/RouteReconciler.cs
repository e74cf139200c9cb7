using System.Net;
using System.Net.Sockets;
using OutputGuard.Addressing;
using OutputGuard.Agent.Route.Gateways;
using OutputGuard.Agent.Route.Planning;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;
using KernelRoute = OutputGuard.Netlink.Routing.Route;

namespace OutputGuard.Agent.Route.Reconciling;

/// <summary>
/// Makes the kernel's routes match the plan. The agent's routes are the ones with its protocol number in its
/// table; it adds the missing ones, replaces those with the wrong next hops, removes those it no longer wants,
/// and never changes or removes a route with another protocol number — when such a route has the same
/// destination and metric as a wanted one, the wanted one is not installed (a replace would overwrite it).
/// </summary>
/// <param name="rtnl">The rtnetlink handle (in the agent's namespace).</param>
/// <param name="protocol">The agent's route protocol number.</param>
/// <param name="table">The routing table.</param>
/// <param name="metric">The metric of the agent's routes.</param>
public sealed class RouteReconciler(Rtnl rtnl, byte protocol, uint table, uint metric)
{
    private const byte RtnUnicast = 1;

    /// <summary>
    /// One pass for every family of the plan that has at least one gateway in <paramref name="gateways"/>;
    /// a family without gateways keeps what is installed (removing it would send public traffic around the gateway).
    /// </summary>
    public ReconcileResult Reconcile(RoutePlan plan, IReadOnlyList<OnLinkGateway> gateways)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(gateways);
        var changes = new List<RouteChange>();
        var unchanged = 0;
        foreach (var (family, prefixes) in plan.Prefixes)
        {
            var hops = gateways.Where(g => g.Gateway.Family == family)
                .OrderBy(g => g.Gateway.Address.GetAddressBytes(), ByteOrder.Instance)
                .ToList();
            if (hops.Count > 0)
            {
                unchanged += ReconcileFamily(family, prefixes, hops, changes);
            }
        }

        return new ReconcileResult(changes, unchanged);
    }

    /// <summary>Removes every route with the agent's protocol number in its table (both families), and nothing else.</summary>
    public ReconcileResult RemoveAll()
    {
        var changes = new List<RouteChange>();
        foreach (var family in new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 })
        {
            foreach (var route in Mine(rtnl.RouteListFiltered(family, new RouteFilter { Table = table })))
            {
                Remove(route, changes);
            }
        }

        return new ReconcileResult(changes, 0);
    }

    /// <summary>The route the agent wants for <paramref name="destination"/> through <paramref name="hops"/>.</summary>
    public KernelRoute Want(IpPrefix destination, IReadOnlyList<OnLinkGateway> hops)
    {
        ArgumentNullException.ThrowIfNull(hops);
        var route = new KernelRoute
        {
            Destination = destination,
            Table = table,
            Protocol = protocol,
            Metric = NormalMetric(destination.Family, metric),
            Type = RtnUnicast,
        };
        return hops.Count == 1
            ? route with { Gateway = hops[0].Gateway.Address, LinkIndex = hops[0].LinkIndex }
            : route with { NextHops = hops.Select(h => new NextHop(h.Gateway.Address, h.LinkIndex, 1)).ToList() };
    }

    private int ReconcileFamily(AddressFamily family, IReadOnlyList<IpPrefix> prefixes, List<OnLinkGateway> hops, List<RouteChange> changes)
    {
        var installed = rtnl.RouteListFiltered(family, new RouteFilter { Table = table });
        var wantedMetric = NormalMetric(family, metric);
        var mine = Mine(installed).ToLookup(r => r.Destination);
        var foreign = installed
            .Where(r => r.Protocol != protocol && NormalMetric(family, r.Metric ?? 0) == wantedMetric)
            .ToLookup(r => r.Destination);
        var wanted = prefixes.ToHashSet();
        var unchanged = 0;

        foreach (var route in Mine(installed).Where(r => !wanted.Contains(r.Destination)))
        {
            Remove(route, changes);
        }

        foreach (var prefix in prefixes)
        {
            var want = Want(prefix, hops);
            var current = mine[prefix].ToList();
            var keep = current.FirstOrDefault(r => SameMetric(r, want) && SamePath(r, want));
            if (keep is not null)
            {
                unchanged++;
            }
            else if (foreign[prefix].FirstOrDefault() is { } other)
            {
                changes.Add(new RouteChange(RouteChangeKind.LeftForeign, other));
            }
            else
            {
                Apply(want, current.Any(r => SameMetric(r, want)) ? RouteChangeKind.Replaced : RouteChangeKind.Added, changes);
            }

            // Only after the wanted route is in place, so the prefix never falls back to the default route meanwhile.
            foreach (var extra in current.Where(r => !ReferenceEquals(r, keep) && !SameMetric(r, want)))
            {
                Remove(extra, changes);
            }
        }

        return unchanged;
    }

    private IEnumerable<KernelRoute> Mine(IEnumerable<KernelRoute> routes) =>
        routes.Where(r => r.Protocol == protocol && r.Table == table);

    private void Apply(KernelRoute route, RouteChangeKind kind, List<RouteChange> changes)
    {
        try
        {
            rtnl.RouteReplace(route);
            changes.Add(new RouteChange(kind, route));
        }
        catch (NetlinkException ex) when (!Diagnostics.Capabilities.IsPermissionDenied(ex))
        {
            changes.Add(new RouteChange(RouteChangeKind.Failed, route, ex.Message));
        }
    }

    private void Remove(KernelRoute route, List<RouteChange> changes)
    {
        // Delete by key and protocol only: the kernel then matches no route of another owner.
        var key = new KernelRoute
        {
            Destination = route.Destination,
            Table = route.Table,
            Protocol = protocol,
            Metric = route.Metric ?? 0,
            Type = route.Type,
        };
        try
        {
            rtnl.RouteDel(key);
            changes.Add(new RouteChange(RouteChangeKind.Removed, route));
        }
        catch (NetlinkException ex) when (ex.Errno == Errno.ESRCH)
        {
            // ESRCH: someone removed it first; nothing left to do.
        }
        catch (NetlinkException ex) when (!Diagnostics.Capabilities.IsPermissionDenied(ex))
        {
            changes.Add(new RouteChange(RouteChangeKind.Failed, route, ex.Message));
        }
    }

    private static bool SameMetric(KernelRoute installed, KernelRoute want) =>
        NormalMetric(installed.Family, installed.Metric ?? 0) == want.Metric;

    private static bool SamePath(KernelRoute installed, KernelRoute want)
    {
        if (installed.Type != want.Type)
        {
            return false;
        }

        var have = Hops(installed);
        var need = Hops(want);
        return have.Count == need.Count && have.All(need.Contains);
    }

    private static HashSet<(IPAddress? Gateway, int LinkIndex, int Weight)> Hops(KernelRoute route) =>
        route.NextHops.Count > 0
            ? route.NextHops.Select(h => (h.Gateway, h.LinkIndex, h.Weight)).ToHashSet()
            : [(route.Gateway, route.LinkIndex, 1)];

    /// <summary>IPv6 stores metric 0 as 1024 (IP6_RT_PRIO_USER); IPv4 keeps 0.</summary>
    private static uint NormalMetric(AddressFamily family, uint value) =>
        family == AddressFamily.InterNetworkV6 && value == 0 ? 1024 : value;

    private sealed class ByteOrder : IComparer<byte[]>
    {
        public static readonly ByteOrder Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
