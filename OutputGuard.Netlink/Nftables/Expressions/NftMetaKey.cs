namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_meta_keys (the ones the agents use).</summary>
public enum NftMetaKey : uint
{
    /// <summary>NFT_META_LEN.</summary>
    Len = 0,

    /// <summary>NFT_META_PROTOCOL (ethertype).</summary>
    Protocol = 1,

    /// <summary>NFT_META_MARK.</summary>
    Mark = 3,

    /// <summary>NFT_META_IIF.</summary>
    Iif = 4,

    /// <summary>NFT_META_OIF.</summary>
    Oif = 5,

    /// <summary>NFT_META_IIFNAME.</summary>
    IifName = 6,

    /// <summary>NFT_META_OIFNAME.</summary>
    OifName = 7,

    /// <summary>NFT_META_NFPROTO (2 = IPv4, 10 = IPv6).</summary>
    NfProto = 15,

    /// <summary>NFT_META_L4PROTO.</summary>
    L4Proto = 16,
}
