using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Routing.RtnlConstants;

namespace OutputGuard.Netlink.Routing;

/// <summary>
/// A handle on rtnetlink (NETLINK_ROUTE) bound to one network namespace, shaped like vishvananda/netlink's
/// Handle: <c>LinkList</c>, <c>LinkByName</c>, <c>AddrAdd</c>, <c>RouteAdd/RouteReplace/RouteDel/RouteListFiltered</c>,
/// <c>RouteSubscribe</c>. Calls are serialised on the handle's socket; open one handle per agent loop.
/// </summary>
public sealed partial class Rtnl : IDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly NetlinkWriter _writer = new();
    private readonly Lock _gate = new();

    private Rtnl(NetlinkSocket socket, string? netns)
    {
        _socket = socket;
        Namespace = netns;
    }

    /// <summary>The named namespace the handle works in, or null for the caller's own.</summary>
    public string? Namespace { get; }

    /// <summary>Opens a handle in the calling thread's network namespace.</summary>
    public static Rtnl Open() => new(NetlinkSocket.Open(NetlinkSocket.NETLINK_ROUTE, null, TypeName), null);

    /// <summary>Opens a handle inside <c>/var/run/netns/<paramref name="netns"/></c>; the process does not move.</summary>
    public static Rtnl OpenIn(string netns) =>
        new(NetlinkSocket.Open(NetlinkSocket.NETLINK_ROUTE, netns, TypeName), netns);

    /// <summary>Every link.</summary>
    public IReadOnlyList<Link> LinkList()
    {
        lock (_gate)
        {
            var w = Begin(RTM_GETLINK, Nlmsg.NLM_F_DUMP);
            w.Header(new IfInfoMsg());
            End(w);
            return _socket.Dump(w, static (NetlinkMessage m, out Link link) =>
            {
                link = LinkCodec.ParseLink(m.Payload);
                return m.Type == RTM_NEWLINK;
            });
        }
    }

    /// <summary>The link with this name; <see cref="NetlinkException"/> with ENODEV when there is none.</summary>
    public Link LinkByName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate)
        {
            var w = Begin(RTM_GETLINK, Nlmsg.NLM_F_ACK);
            w.Header(new IfInfoMsg());
            w.String(IFLA_IFNAME, name);
            End(w);
            Link? found = null;
            _socket.Request(w, m =>
            {
                if (m.Type == RTM_NEWLINK)
                {
                    found = LinkCodec.ParseLink(m.Payload);
                }
            });
            return found ?? throw new NetlinkException(Errno.ENODEV, "RTM_GETLINK", $"no link named {name}");
        }
    }

    /// <summary>Sets IFF_UP (like <c>ip link set NAME up</c>).</summary>
    public void LinkSetUp(int linkIndex) => SetFlags(linkIndex, IFF_UP);

    /// <summary>Clears IFF_UP.</summary>
    public void LinkSetDown(int linkIndex) => SetFlags(linkIndex, 0);

    /// <summary>
    /// Creates a veth pair. The peer is created in <paramref name="peerNetns"/> (a name under /var/run/netns)
    /// when given, else beside the first end.
    /// </summary>
    public void VethAdd(string name, string peerName, string? peerNetns = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(peerName);
        using var nsFile = peerNetns is null ? null : File.OpenHandle(NetworkNamespace.PathOf(peerNetns));
        lock (_gate)
        {
            var w = Begin(RTM_NEWLINK, Nlmsg.NLM_F_ACK | Nlmsg.NLM_F_CREATE | Nlmsg.NLM_F_EXCL);
            w.Header(new IfInfoMsg());
            w.String(IFLA_IFNAME, name);
            var info = w.BeginNested(IFLA_LINKINFO);
            w.String(IFLA_INFO_KIND, "veth");
            var data = w.BeginNested(IFLA_INFO_DATA);
            var peer = w.BeginNested(VETH_INFO_PEER);
            w.Header(new IfInfoMsg());
            w.String(IFLA_IFNAME, peerName);
            if (nsFile is not null)
            {
                w.U32(IFLA_NET_NS_FD, (uint)nsFile.DangerousGetHandle());
            }

            w.EndNested(peer);
            w.EndNested(data);
            w.EndNested(info);
            End(w);
            _socket.Request(w);
        }
    }

    /// <summary>Deletes a link (both ends of a veth pair go).</summary>
    public void LinkDel(int linkIndex)
    {
        lock (_gate)
        {
            var w = Begin(RTM_DELLINK, Nlmsg.NLM_F_ACK);
            w.Header(new IfInfoMsg { Index = linkIndex });
            End(w);
            _socket.Request(w);
        }
    }

    /// <summary>Moves a link into the namespace /var/run/netns/<paramref name="netns"/> (like <c>ip link set X netns NS</c>).</summary>
    public void LinkSetNsByName(int linkIndex, string netns)
    {
        using var nsFile = File.OpenHandle(NetworkNamespace.PathOf(netns));
        lock (_gate)
        {
            var w = Begin(RTM_NEWLINK, Nlmsg.NLM_F_ACK);
            w.Header(new IfInfoMsg { Index = linkIndex });
            w.U32(IFLA_NET_NS_FD, (uint)nsFile.DangerousGetHandle());
            End(w);
            _socket.Request(w);
        }
    }

    /// <summary>
    /// Subscribes to link events (RTNLGRP_LINK). The subscription is live when this returns.
    /// </summary>
    public NetlinkSubscription<LinkUpdate> LinkSubscribe() =>
        new(
            NetlinkSocket.Open(NetlinkSocket.NETLINK_ROUTE, Namespace, TypeName, [RTNLGRP_LINK]),
            static (m, events) =>
            {
                if (m.Type is RTM_NEWLINK or RTM_DELLINK)
                {
                    events.Add(new LinkUpdate(
                        m.Type == RTM_NEWLINK ? RtnlUpdateKind.Added : RtnlUpdateKind.Deleted,
                        LinkCodec.ParseLink(m.Payload)));
                }
            },
            static () => new LinkUpdate(RtnlUpdateKind.Lost, null));

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private static string TypeName(ushort type) => RtnlConstants.TypeName(type);

    private void SetFlags(int linkIndex, uint flags)
    {
        lock (_gate)
        {
            var w = Begin(RTM_NEWLINK, Nlmsg.NLM_F_ACK);
            w.Header(new IfInfoMsg { Index = linkIndex, Flags = flags, Change = IFF_UP });
            End(w);
            _socket.Request(w);
        }
    }

    private NetlinkWriter Begin(ushort type, ushort flags)
    {
        _writer.Reset();
        _writer.BeginMessage(type, (ushort)(Nlmsg.NLM_F_REQUEST | flags), 0);
        return _writer;
    }

    private static void End(NetlinkWriter w) => w.EndMessage(0);
}
