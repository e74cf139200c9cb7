using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>meta: loads packet metadata into a register (<c>meta nfproto</c>, <c>meta l4proto</c>, <c>iifname</c> …).</summary>
/// <param name="Key">NFTA_META_KEY.</param>
/// <param name="Register">NFTA_META_DREG.</param>
public sealed record NftMeta(NftMetaKey Key, int Register = NftRegisters.Reg1) : NftExpression
{
    internal const ushort NFTA_META_DREG = 1;
    internal const ushort NFTA_META_KEY = 2;
    internal const string KernelName = "meta";

    /// <inheritdoc />
    public override string Name => KernelName;

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be32(NFTA_META_KEY, (uint)Key);
        writer.Be32(NFTA_META_DREG, (uint)Register);
    }

    internal static NftMeta DecodeData(NftExpressionData data) =>
        new((NftMetaKey)data.Be32(NFTA_META_KEY), (int)data.Be32(NFTA_META_DREG, 0));
}
