using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>
/// One expression of a rule (struct nft_expr: NFTA_EXPR_NAME + NFTA_EXPR_DATA). Registers are the kernel's:
/// 0 is the verdict register, 1-4 the 16-byte registers, 8-23 the 4-byte registers (see <see cref="NftRegisters"/>).
/// </summary>
public abstract record NftExpression
{
    /// <summary>The kernel's expression name ("payload", "cmp" …).</summary>
    public abstract string Name { get; }

    /// <summary>Writes the attributes inside NFTA_EXPR_DATA.</summary>
    internal abstract void EncodeData(NetlinkWriter writer, NftEncodeContext context);
}
