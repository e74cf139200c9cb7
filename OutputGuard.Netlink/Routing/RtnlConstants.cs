namespace OutputGuard.Netlink.Routing;

/// <summary>Constants of &lt;linux/rtnetlink.h&gt;, &lt;linux/if_link.h&gt;, &lt;linux/if_addr.h&gt; and &lt;linux/veth.h&gt;.</summary>
internal static class RtnlConstants
{
    internal const ushort RTM_NEWLINK = 16;
    internal const ushort RTM_DELLINK = 17;
    internal const ushort RTM_GETLINK = 18;
    internal const ushort RTM_NEWADDR = 20;
    internal const ushort RTM_DELADDR = 21;
    internal const ushort RTM_GETADDR = 22;
    internal const ushort RTM_NEWROUTE = 24;
    internal const ushort RTM_DELROUTE = 25;
    internal const ushort RTM_GETROUTE = 26;

    internal const ushort IFLA_ADDRESS = 1;
    internal const ushort IFLA_IFNAME = 3;
    internal const ushort IFLA_MTU = 4;
    internal const ushort IFLA_LINK = 5;
    internal const ushort IFLA_MASTER = 10;
    internal const ushort IFLA_OPERSTATE = 16;
    internal const ushort IFLA_LINKINFO = 18;
    internal const ushort IFLA_NET_NS_FD = 28;
    internal const ushort IFLA_INFO_KIND = 1;
    internal const ushort IFLA_INFO_DATA = 2;
    internal const ushort VETH_INFO_PEER = 1;
    internal const uint IFF_UP = 0x1;

    internal const ushort IFA_ADDRESS = 1;
    internal const ushort IFA_LOCAL = 2;

    internal const ushort RTA_DST = 1;
    internal const ushort RTA_OIF = 4;
    internal const ushort RTA_GATEWAY = 5;
    internal const ushort RTA_PRIORITY = 6;
    internal const ushort RTA_PREFSRC = 7;
    internal const ushort RTA_MULTIPATH = 9;
    internal const ushort RTA_TABLE = 15;

    internal const byte RT_TABLE_MAIN = 254;
    internal const byte RTN_UNICAST = 1;
    internal const byte RT_SCOPE_UNIVERSE = 0;
    internal const byte RT_SCOPE_LINK = 253;
    internal const byte RTPROT_BOOT = 3;

    internal const uint RTNLGRP_LINK = 1;
    internal const uint RTNLGRP_IPV4_ROUTE = 7;
    internal const uint RTNLGRP_IPV6_ROUTE = 11;

    internal const byte AF_INET = 2;
    internal const byte AF_INET6 = 10;

    internal static string TypeName(ushort type) => type switch
    {
        RTM_NEWLINK => "RTM_NEWLINK",
        RTM_DELLINK => "RTM_DELLINK",
        RTM_GETLINK => "RTM_GETLINK",
        RTM_NEWADDR => "RTM_NEWADDR",
        RTM_DELADDR => "RTM_DELADDR",
        RTM_GETADDR => "RTM_GETADDR",
        RTM_NEWROUTE => "RTM_NEWROUTE",
        RTM_DELROUTE => "RTM_DELROUTE",
        RTM_GETROUTE => "RTM_GETROUTE",
        _ => "RTM_" + type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}
