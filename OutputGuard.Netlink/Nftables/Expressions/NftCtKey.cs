namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_ct_keys (the ones the agents use).</summary>
public enum NftCtKey : uint
{
    /// <summary>NFT_CT_STATE (a bitmask: 1 invalid, 2 established, 4 related, 8 new, 64 untracked).</summary>
    State = 0,

    /// <summary>NFT_CT_DIRECTION.</summary>
    Direction = 1,

    /// <summary>NFT_CT_STATUS.</summary>
    Status = 2,

    /// <summary>NFT_CT_MARK.</summary>
    Mark = 3,

    /// <summary>NFT_CT_L3PROTOCOL.</summary>
    L3Protocol = 7,

    /// <summary>NFT_CT_PROTOCOL.</summary>
    Protocol = 10,
}
