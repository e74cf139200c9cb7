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
    internal const string KernelName = "dynset";

    /// <inheritdoc />
    public override string Name => KernelName;

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

    /// <summary>A timeout of 0 is none; one past TimeSpan's range is cut to it.</summary>
    internal static NftDynset DecodeData(NftExpressionData data) => new(
        data.String(NFTA_DYNSET_SET_NAME), (NftDynsetOp)data.Be32(NFTA_DYNSET_OP), (int)data.Be32(NFTA_DYNSET_SREG_KEY),
        data.Has(NFTA_DYNSET_TIMEOUT) && Wire.Be64(data.Get(NFTA_DYNSET_TIMEOUT)) is var t and > 0
            ? TimeSpan.FromMilliseconds(Math.Min(t, (ulong)TimeSpan.MaxValue.TotalMilliseconds / 2))
            : null);
}
