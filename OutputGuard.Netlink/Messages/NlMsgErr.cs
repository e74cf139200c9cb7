using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Messages;

/// <summary>
/// struct nlmsgerr of &lt;linux/netlink.h&gt;: the payload of NLMSG_ERROR, in host byte order. After it comes the
/// rest of the failed request (unless NLM_F_CAPPED) and then the extended-ACK attributes (with NLM_F_ACK_TLVS).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NlMsgErr
{
    /// <summary>error: a negative errno, or 0 for an acknowledgement.</summary>
    internal int Error;

    /// <summary>msg: the header of the request this answers.</summary>
    internal NlMsgHdr Request;
}
