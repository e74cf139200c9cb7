namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_ct_keys (the ones the agents use).</summary>
public enum NftCtKey : uint
{
    /// <summary>NFT_CT_STATE: a bitmask of <see cref="NftCtState"/>, 4 bytes in host order.</summary>
    State = 0,

    /// <summary>NFT_CT_DIRECTION.</summary>
    Direction = 1,

    /// <summary>NFT_CT_STATUS.</summary>
    Status = 2,

    /// <summary>NFT_CT_MARK.</summary>
    Mark = 3,

    /// <summary>NFT_CT_L3PROTOCOL.</summary>
    L3Protocol = 7,

    /// <summary>NFT_CT_PROTOCOL: the layer-4 protocol number (1 byte; needs a direction).</summary>
    Protocol = 10,

    /// <summary>NFT_CT_PROTO_SRC: the source port of a direction (2 bytes, network order).</summary>
    ProtoSrc = 11,

    /// <summary>NFT_CT_PROTO_DST: the destination port of a direction (2 bytes, network order).</summary>
    ProtoDst = 12,

    /// <summary>NFT_CT_SRC_IP: the IPv4 source address of a direction.</summary>
    SrcIp = 19,

    /// <summary>NFT_CT_DST_IP: the IPv4 destination address of a direction.</summary>
    DstIp = 20,

    /// <summary>NFT_CT_SRC_IP6: the IPv6 source address of a direction.</summary>
    SrcIp6 = 21,

    /// <summary>NFT_CT_DST_IP6: the IPv6 destination address of a direction.</summary>
    DstIp6 = 22,
}
