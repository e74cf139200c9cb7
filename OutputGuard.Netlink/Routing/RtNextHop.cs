using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Routing;

/// <summary>
/// struct rtnexthop of &lt;linux/rtnetlink.h&gt;: one next hop inside RTA_MULTIPATH (8 bytes, host byte order),
/// followed by its own attributes (RTA_GATEWAY).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RtNextHop
{
    /// <summary>rtnh_len: the next hop's length, its attributes included.</summary>
    internal ushort Length;

    /// <summary>rtnh_flags: RTNH_F_*.</summary>
    internal byte Flags;

    /// <summary>rtnh_hops: the weight minus one.</summary>
    internal byte Hops;

    /// <summary>rtnh_ifindex: the output interface.</summary>
    internal int IfIndex;
}
