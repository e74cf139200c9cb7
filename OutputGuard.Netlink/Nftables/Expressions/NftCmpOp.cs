namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_cmp_ops.</summary>
public enum NftCmpOp : uint
{
    /// <summary>NFT_CMP_EQ.</summary>
    Eq = 0,

    /// <summary>NFT_CMP_NEQ.</summary>
    Neq = 1,

    /// <summary>NFT_CMP_LT.</summary>
    Lt = 2,

    /// <summary>NFT_CMP_LTE.</summary>
    Lte = 3,

    /// <summary>NFT_CMP_GT.</summary>
    Gt = 4,

    /// <summary>NFT_CMP_GTE.</summary>
    Gte = 5,
}
