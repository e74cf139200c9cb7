using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>lookup: matches when the key in a register is in a set (<c>ip daddr @allowed</c>); counts the element.</summary>
/// <param name="SetName">NFTA_LOOKUP_SET (a set in the rule's table).</param>
/// <param name="SourceRegister">NFTA_LOOKUP_SREG.</param>
/// <param name="Invert">NFT_LOOKUP_F_INV (<c>!= @set</c>).</param>
public sealed record NftLookup(string SetName, int SourceRegister = NftRegisters.Reg1, bool Invert = false) : NftExpression
{
    internal const ushort NFTA_LOOKUP_SET = 1;
    internal const ushort NFTA_LOOKUP_SREG = 2;
    internal const ushort NFTA_LOOKUP_SET_ID = 4;
    internal const ushort NFTA_LOOKUP_FLAGS = 5;
    internal const uint NFT_LOOKUP_F_INV = 1;
    internal const string KernelName = "lookup";

    /// <inheritdoc />
    public override string Name => KernelName;

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.String(NFTA_LOOKUP_SET, SetName);
        if (context.SetId(SetName) is { } id)
        {
            writer.Be32(NFTA_LOOKUP_SET_ID, id);
        }

        writer.Be32(NFTA_LOOKUP_SREG, (uint)SourceRegister);
        if (Invert)
        {
            writer.Be32(NFTA_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
        }
    }

    internal static NftLookup DecodeData(NftExpressionData data) => new(
        data.String(NFTA_LOOKUP_SET), (int)data.Be32(NFTA_LOOKUP_SREG),
        (data.Be32(NFTA_LOOKUP_FLAGS, 0) & NFT_LOOKUP_F_INV) != 0);
}
