using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Routing;

/// <summary>struct ifaddrmsg of &lt;linux/if_addr.h&gt;: the header of RTM_*ADDR messages (8 bytes, host byte order).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IfAddrMsg
{
    /// <summary>ifa_family: AF_INET or AF_INET6.</summary>
    internal byte Family;

    /// <summary>ifa_prefixlen.</summary>
    internal byte PrefixLength;

    /// <summary>ifa_flags: IFA_F_*.</summary>
    internal byte Flags;

    /// <summary>ifa_scope: RT_SCOPE_*.</summary>
    internal byte Scope;

    /// <summary>ifa_index: the interface index.</summary>
    internal uint Index;
}
