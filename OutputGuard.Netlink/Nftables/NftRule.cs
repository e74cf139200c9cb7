using OutputGuard.Netlink.Nftables.Expressions;

namespace OutputGuard.Netlink.Nftables;

/// <summary>A rule: a list of expressions in a chain.</summary>
public sealed record NftRule
{
    /// <summary>The table's family.</summary>
    public required NftFamily Family { get; init; }

    /// <summary>The table's name.</summary>
    public required string Table { get; init; }

    /// <summary>The chain's name.</summary>
    public required string Chain { get; init; }

    /// <summary>The expressions, in order.</summary>
    public required IReadOnlyList<NftExpression> Expressions { get; init; }

    /// <summary>
    /// The rule's comment (NFTA_RULE_USERDATA in nft's format, so <c>nft list</c> shows it as <c>comment "…"</c>);
    /// at most 127 bytes of UTF-8.
    /// </summary>
    public string? Comment { get; init; }

    /// <summary>The kernel's handle (read back; needed to delete a rule).</summary>
    public ulong Handle { get; init; }
}
