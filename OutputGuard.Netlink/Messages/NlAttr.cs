using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Messages;

/// <summary>struct nlattr of &lt;linux/netlink.h&gt;: the 4-byte header of an attribute, in host byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlAttr
{
    /// <summary>nla_len: the attribute's length, this header included, padding excluded.</summary>
    internal ushort Length;

    /// <summary>nla_type: the attribute type, with NLA_F_NESTED and NLA_F_NET_BYTEORDER in its top bits.</summary>
    internal ushort Type;
}
