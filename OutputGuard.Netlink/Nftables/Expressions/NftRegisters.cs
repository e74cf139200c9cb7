namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_registers.</summary>
public static class NftRegisters
{
    /// <summary>NFT_REG_VERDICT.</summary>
    public const int Verdict = 0;

    /// <summary>NFT_REG_1 (16 bytes, the same storage as NFT_REG32_00..03).</summary>
    public const int Reg1 = 1;

    /// <summary>NFT_REG_2.</summary>
    public const int Reg2 = 2;

    /// <summary>NFT_REG32_00 + <paramref name="index"/> (4-byte registers, used to build concatenations).</summary>
    public static int Reg32(int index) => index is >= 0 and < 16 ? 8 + index : throw new ArgumentOutOfRangeException(nameof(index));
}
