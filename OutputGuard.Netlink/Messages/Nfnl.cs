namespace OutputGuard.Netlink.Messages;

/// <summary>The message type macros of &lt;linux/netfilter/nfnetlink.h&gt;: a subsystem id in the high byte, its message in the low.</summary>
internal static class Nfnl
{
    /// <summary>(subsystem &lt;&lt; 8) | message.</summary>
    internal static ushort Type(byte subsystem, byte message) => (ushort)((subsystem << 8) | message);

    /// <summary>NFNL_SUBSYS_ID(type).</summary>
    internal static byte SubsystemId(ushort type) => (byte)(type >> 8);

    /// <summary>NFNL_MSG_TYPE(type).</summary>
    internal static byte MessageType(ushort type) => (byte)type;
}
