using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nflog;

/// <summary>
/// struct nfulnl_msg_packet_hdr of &lt;linux/netfilter/nfnetlink_log.h&gt; (NFULA_PACKET_HDR):
/// <c>__be16 hw_protocol; __u8 hook; __u8 _pad;</c>.
/// </summary>
/// <param name="HardwareProtocol">hw_protocol, the ethertype.</param>
/// <param name="Hook">hook, the netfilter hook.</param>
internal readonly record struct NfulnlPacketHeader(ushort HardwareProtocol, byte Hook)
{
    internal static NfulnlPacketHeader Read(ReadOnlySpan<byte> value) => new(Wire.Be16(value), Wire.Take(value, 3)[2]);
}
