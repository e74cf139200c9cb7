using System.Buffers.Binary;

namespace OutputGuard.Netlink.Nflog;

/// <summary>
/// struct nfulnl_msg_config_mode of &lt;linux/netfilter/nfnetlink_log.h&gt; (NFULA_CFG_MODE), packed:
/// <c>__be32 copy_range; __u8 copy_mode; __u8 _pad;</c>.
/// </summary>
/// <param name="CopyRange">copy_range: how many bytes of each packet to copy.</param>
/// <param name="CopyMode">copy_mode: NFULNL_COPY_*.</param>
internal readonly record struct NfulnlConfigMode(uint CopyRange, byte CopyMode)
{
    internal const int Size = 6;

    internal void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, CopyRange);
        destination[sizeof(uint)] = CopyMode;
        destination[sizeof(uint) + 1] = 0;
    }
}
