using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Routing;

/// <summary>struct rtmsg of &lt;linux/rtnetlink.h&gt;: the header of RTM_*ROUTE messages (12 bytes, host byte order).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct RtMsg
{
    /// <summary>rtm_family: AF_INET or AF_INET6.</summary>
    internal byte Family;

    /// <summary>rtm_dst_len: the destination's prefix length.</summary>
    internal byte DstLen;

    /// <summary>rtm_src_len.</summary>
    internal byte SrcLen;

    /// <summary>rtm_tos.</summary>
    internal byte Tos;

    /// <summary>rtm_table: the table when below 256, else RT_TABLE_UNSPEC (RTA_TABLE carries it).</summary>
    internal byte Table;

    /// <summary>rtm_protocol: RTPROT_* or a number of the installer's own.</summary>
    internal byte Protocol;

    /// <summary>rtm_scope: RT_SCOPE_*.</summary>
    internal byte Scope;

    /// <summary>rtm_type: RTN_*.</summary>
    internal byte Type;

    /// <summary>rtm_flags: RTM_F_*.</summary>
    internal uint Flags;
}
