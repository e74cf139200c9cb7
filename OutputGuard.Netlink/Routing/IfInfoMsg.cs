using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Routing;

/// <summary>struct ifinfomsg of &lt;linux/rtnetlink.h&gt;: the header of RTM_*LINK messages (16 bytes, host byte order).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfInfoMsg
{
    /// <summary>ifi_family: AF_UNSPEC.</summary>
    internal byte Family;

    /// <summary>__ifi_pad.</summary>
    internal byte Pad;

    /// <summary>ifi_type: ARPHRD_*.</summary>
    internal ushort Type;

    /// <summary>ifi_index: the interface index.</summary>
    internal int Index;

    /// <summary>ifi_flags: IFF_*.</summary>
    internal uint Flags;

    /// <summary>ifi_change: which IFF_* bits of <see cref="Flags"/> to change.</summary>
    internal uint Change;
}
