using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>counter: counts packets and bytes that reach it.</summary>
/// <param name="Packets">NFTA_COUNTER_PACKETS (read back; 0 when adding).</param>
/// <param name="Bytes">NFTA_COUNTER_BYTES (read back; 0 when adding).</param>
public sealed record NftCounter(ulong Packets = 0, ulong Bytes = 0) : NftExpression
{
    internal const ushort NFTA_COUNTER_BYTES = 1;
    internal const ushort NFTA_COUNTER_PACKETS = 2;
    internal const string KernelName = "counter";

    /// <inheritdoc />
    public override string Name => KernelName;

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be64(NFTA_COUNTER_BYTES, Bytes);
        writer.Be64(NFTA_COUNTER_PACKETS, Packets);
    }

    internal static NftCounter DecodeData(NftExpressionData data) =>
        new(data.Be64(NFTA_COUNTER_PACKETS), data.Be64(NFTA_COUNTER_BYTES));
}
