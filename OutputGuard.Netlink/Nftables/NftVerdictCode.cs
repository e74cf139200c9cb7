namespace OutputGuard.Netlink.Nftables;

/// <summary>Verdict codes (NF_DROP, NF_ACCEPT and enum nft_verdicts), as the kernel's signed 32-bit values.</summary>
public enum NftVerdictCode
{
    /// <summary>NF_DROP.</summary>
    Drop = 0,

    /// <summary>NF_ACCEPT.</summary>
    Accept = 1,

    /// <summary>NFT_CONTINUE.</summary>
    Continue = -1,

    /// <summary>NFT_BREAK.</summary>
    Break = -2,

    /// <summary>NFT_JUMP (needs a chain).</summary>
    Jump = -3,

    /// <summary>NFT_GOTO (needs a chain).</summary>
    Goto = -4,

    /// <summary>NFT_RETURN.</summary>
    Return = -5,
}
