namespace OutputGuard.Netlink.Nftables;

/// <summary>enum nft_set_flags.</summary>
[Flags]
public enum NftSetFlags : uint
{
    /// <summary>No flags: a hash set.</summary>
    None = 0,

    /// <summary>NFT_SET_ANONYMOUS.</summary>
    Anonymous = 0x1,

    /// <summary>NFT_SET_CONSTANT.</summary>
    Constant = 0x2,

    /// <summary>NFT_SET_INTERVAL: ranges and prefixes (rbtree, or pipapo with concatenations).</summary>
    Interval = 0x4,

    /// <summary>NFT_SET_MAP.</summary>
    Map = 0x8,

    /// <summary>NFT_SET_TIMEOUT: elements may expire.</summary>
    Timeout = 0x10,

    /// <summary>NFT_SET_EVAL ("dynamic"): updated from the packet path by dynset.</summary>
    Dynamic = 0x20,

    /// <summary>NFT_SET_OBJECT.</summary>
    StatefulObject = 0x40,

    /// <summary>NFT_SET_CONCAT.</summary>
    Concat = 0x80,

    /// <summary>NFT_SET_EXPR: elements carry expressions (counters).</summary>
    Expr = 0x100,
}
