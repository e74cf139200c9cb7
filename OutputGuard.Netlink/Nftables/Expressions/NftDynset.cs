using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>dynset: adds or updates an element from the packet path (<c>update @denied { ip daddr timeout 60s }</c>).</summary>
/// <param name="SetName">NFTA_DYNSET_SET_NAME (a dynamic set in the rule's table).</param>
/// <param name="Op">NFTA_DYNSET_OP.</param>
/// <param name="KeyRegister">NFTA_DYNSET_SREG_KEY.</param>
/// <param name="Timeout">NFTA_DYNSET_TIMEOUT.</param>
public sealed record NftDynset(string SetName, NftDynsetOp Op, int KeyRegister = NftRegisters.Reg1, TimeSpan? Timeout = null) : NftExpression
{
    internal const ushort NFTA_DYNSET_SET_NAME = 1;
    internal const ushort NFTA_DYNSET_SET_ID = 2;
    internal const ushort NFTA_DYNSET_OP = 3;
    internal const ushort NFTA_DYNSET_SREG_KEY = 4;
    internal const ushort NFTA_DYNSET_TIMEOUT = 6;
    internal const ushort NFTA_DYNSET_EXPR = 7;
    internal const ushort NFTA_DYNSET_EXPRESSIONS = 10;

    /// <inheritdoc />
    public override string Name => "dynset";

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.String(NFTA_DYNSET_SET_NAME, SetName);
        if (context.SetId(SetName) is { } id)
        {
            writer.Be32(NFTA_DYNSET_SET_ID, id);
        }

        writer.Be32(NFTA_DYNSET_OP, (uint)Op);
        writer.Be32(NFTA_DYNSET_SREG_KEY, (uint)KeyRegister);
        if (Timeout is { } t)
        {
            writer.Be64(NFTA_DYNSET_TIMEOUT, (ulong)t.TotalMilliseconds);
        }
    }
}
