using System.Net;
using System.Net.Sockets;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Routing.RtnlConstants;

namespace OutputGuard.Netlink.Routing;

/// <summary>Routes and addresses.</summary>
public sealed partial class Rtnl
{
    /// <summary>
    /// The routes of a family that match <paramref name="filter"/>; an empty filter lists every table, local
    /// included, like <c>ip route show table all</c>.
    /// </summary>
    public IReadOnlyList<Route> RouteListFiltered(AddressFamily family, RouteFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (_gate)
        {
            var w = Begin(RTM_GETROUTE, Nlmsg.NLM_F_DUMP);
            w.Header(new RtMsg { Family = RouteCodec.FamilyByte(family) });
            End(w);
            var all = _socket.Dump(w, static (NetlinkMessage m, out Route route) =>
                RouteCodec.TryParse(m.Payload, out route));
            return all.Where(filter.Matches).ToList();
        }
    }

    /// <summary>Adds a route; EEXIST when one with the same key exists (<c>ip route add</c>).</summary>
    public void RouteAdd(Route route) => RouteChange(route, RTM_NEWROUTE, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL);

    /// <summary>Adds or replaces a route (<c>ip route replace</c>).</summary>
    public void RouteReplace(Route route) => RouteChange(route, RTM_NEWROUTE, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_REPLACE);

    /// <summary>Deletes a route; ESRCH when there is none.</summary>
    public void RouteDel(Route route) => RouteChange(route, RTM_DELROUTE, 0);

    /// <summary>
    /// Subscribes to IPv4 and IPv6 route events (RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE). The subscription is
    /// live when this returns: a change made afterwards is delivered.
    /// </summary>
    public NetlinkSubscription<RouteUpdate> RouteSubscribe() =>
        new(
            NetlinkSocket.Open(NetlinkSocket.NETLINK_ROUTE, Namespace, TypeName, [RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE]),
            static (m, events) =>
            {
                if (m.Type is RTM_NEWROUTE or RTM_DELROUTE && RouteCodec.TryParse(m.Payload, out var route))
                {
                    events.Add(new RouteUpdate(m.Type == RTM_NEWROUTE ? RtnlUpdateKind.Added : RtnlUpdateKind.Deleted, route));
                }
            },
            static () => new RouteUpdate(RtnlUpdateKind.Lost, null));

    /// <summary>Every address, or those of one link.</summary>
    public IReadOnlyList<InterfaceAddress> AddrList(int? linkIndex = null)
    {
        lock (_gate)
        {
            var w = Begin(RTM_GETADDR, Nlmsg.NLM_F_DUMP);
            w.Header(new IfAddrMsg());
            End(w);
            var all = _socket.Dump(w, static (NetlinkMessage m, out InterfaceAddress a) =>
                LinkCodec.TryParseAddress(m.Payload, out a));
            return linkIndex is null ? all : all.Where(a => a.LinkIndex == linkIndex).ToList();
        }
    }

    /// <summary>Adds an address (<c>ip addr add 10.0.0.1/24 dev X</c>).</summary>
    public void AddrAdd(InterfaceAddress address) => AddrChange(address, RTM_NEWADDR, Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL);

    /// <summary>Deletes an address.</summary>
    public void AddrDel(InterfaceAddress address) => AddrChange(address, RTM_DELADDR, 0);

    private void RouteChange(Route route, ushort type, ushort flags)
    {
        ArgumentNullException.ThrowIfNull(route);
        lock (_gate)
        {
            var w = Begin(type, (ushort)(Nlmsg.NLM_F_ACK | flags));
            RouteCodec.Encode(w, route, type == RTM_DELROUTE);
            End(w);
            _socket.Request(w);
        }
    }

    private void AddrChange(InterfaceAddress address, ushort type, ushort flags)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            var w = Begin(type, (ushort)(Nlmsg.NLM_F_ACK | flags));
            w.Header(new IfAddrMsg
            {
                Family = RouteCodec.FamilyByte(address.Address.AddressFamily),
                PrefixLength = (byte)address.PrefixLength,
                Scope = address.Scope,
                Index = (uint)address.LinkIndex,
            });
            var bytes = address.Address.GetAddressBytes();
            w.Bytes(IFA_LOCAL, bytes);
            w.Bytes(IFA_ADDRESS, bytes);
            End(w);
            _socket.Request(w);
        }
    }
}
