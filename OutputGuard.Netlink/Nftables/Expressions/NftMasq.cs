using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>masq: source NAT to the output interface's address (<c>masquerade</c>; a nat-type postrouting chain).</summary>
/// <param name="Flags">NFTA_MASQ_FLAGS (NF_NAT_RANGE_* bits; 0 for none).</param>
public sealed record NftMasq(uint Flags = 0) : NftExpression
{
    internal const ushort NFTA_MASQ_FLAGS = 1;
    internal const string KernelName = "masq";

    /// <inheritdoc />
    public override string Name => KernelName;

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        if (Flags != 0)
        {
            writer.Be32(NFTA_MASQ_FLAGS, Flags);
        }
    }

    internal static NftMasq DecodeData(NftExpressionData data) => new(data.Be32(NFTA_MASQ_FLAGS, 0));
}
