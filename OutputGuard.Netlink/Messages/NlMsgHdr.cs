using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Messages;

/// <summary>struct nlmsghdr of &lt;linux/netlink.h&gt;: the 16 bytes every netlink message starts with, in host byte order.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgHdr
{
    /// <summary>nlmsg_len: the message's length, this header included.</summary>
    internal uint Length;

    /// <summary>nlmsg_type: NLMSG_* or the protocol's message type.</summary>
    internal ushort Type;

    /// <summary>nlmsg_flags: NLM_F_*.</summary>
    internal ushort Flags;

    /// <summary>nlmsg_seq: the sequence number the reply repeats.</summary>
    internal uint Seq;

    /// <summary>nlmsg_pid: the port id of the sender (0 for the kernel).</summary>
    internal uint Pid;
}
