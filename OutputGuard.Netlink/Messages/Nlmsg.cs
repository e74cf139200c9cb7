using System.Runtime.CompilerServices;

namespace OutputGuard.Netlink.Messages;

/// <summary>Constants of &lt;linux/netlink.h&gt;.</summary>
internal static class Nlmsg
{
    internal const ushort NLMSG_NOOP = 1;
    internal const ushort NLMSG_ERROR = 2;
    internal const ushort NLMSG_DONE = 3;
    internal const ushort NLMSG_OVERRUN = 4;
    internal const ushort NLMSG_MIN_TYPE = 0x10;

    internal const ushort NLM_F_REQUEST = 0x01;
    internal const ushort NLM_F_MULTI = 0x02;
    internal const ushort NLM_F_ACK = 0x04;
    internal const ushort NLM_F_DUMP_INTR = 0x10;
    internal const ushort NLM_F_ROOT = 0x100;
    internal const ushort NLM_F_MATCH = 0x200;
    internal const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    internal const ushort NLM_F_REPLACE = 0x100;
    internal const ushort NLM_F_EXCL = 0x200;
    internal const ushort NLM_F_CREATE = 0x400;
    internal const ushort NLM_F_APPEND = 0x800;
    internal const ushort NLM_F_CAPPED = 0x100;
    internal const ushort NLM_F_ACK_TLVS = 0x200;

    internal const ushort NLMSGERR_ATTR_MSG = 1;
    internal const ushort NLMSGERR_ATTR_OFFS = 2;

    internal const ushort NLA_F_NESTED = 0x8000;
    internal const ushort NLA_TYPE_MASK = 0x3fff;

    /// <summary>sizeof(struct nlmsghdr): 16.</summary>
    internal static int HeaderLength => Unsafe.SizeOf<NlMsgHdr>();

    /// <summary>NLMSG_ALIGN / NLA_ALIGN: rounds a length up to 4.</summary>
    internal static int Align(int length) => (length + 3) & ~3;
}
