namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_nat_types.</summary>
public enum NftNatType : uint
{
    /// <summary>NFT_NAT_SNAT.</summary>
    Snat = 0,

    /// <summary>NFT_NAT_DNAT.</summary>
    Dnat = 1,
}
