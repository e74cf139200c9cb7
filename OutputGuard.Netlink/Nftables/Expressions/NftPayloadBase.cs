namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_payload_bases.</summary>
public enum NftPayloadBase : uint
{
    /// <summary>NFT_PAYLOAD_LL_HEADER.</summary>
    LinkLayer = 0,

    /// <summary>NFT_PAYLOAD_NETWORK_HEADER.</summary>
    Network = 1,

    /// <summary>NFT_PAYLOAD_TRANSPORT_HEADER.</summary>
    Transport = 2,
}
