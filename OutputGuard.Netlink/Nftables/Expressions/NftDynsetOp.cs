namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>enum nft_dynset_ops.</summary>
public enum NftDynsetOp : uint
{
    /// <summary>NFT_DYNSET_OP_ADD (<c>add @set { … }</c>).</summary>
    Add = 0,

    /// <summary>NFT_DYNSET_OP_UPDATE (<c>update @set { … }</c>: add or refresh the timeout).</summary>
    Update = 1,

    /// <summary>NFT_DYNSET_OP_DELETE.</summary>
    Delete = 2,
}
