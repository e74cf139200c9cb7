namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// One nf_tables change notification, as <c>nft monitor</c> sees it. <see cref="PortId"/> is the netlink port of
/// the socket that made the change, so a program can tell its own commits (its <see cref="NftConnection.PortId"/>)
/// from everyone else's.
/// </summary>
public sealed record NftEvent
{
    /// <summary>An event that says events were lost.</summary>
    public static NftEvent Lost { get; } = new() { Kind = NftEventKind.Lost };

    /// <summary>What changed.</summary>
    public required NftEventKind Kind { get; init; }

    /// <summary>Whether it was deleted (NFT_MSG_DEL*) rather than added or updated.</summary>
    public bool Deleted { get; init; }

    /// <summary>The table's family.</summary>
    public NftFamily Family { get; init; }

    /// <summary>The table the change is in (null for generation events).</summary>
    public string? Table { get; init; }

    /// <summary>The chain of a chain or rule event, the set of a set or element event.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The elements of an element event (their keys, closing keys and interval-end flags, as the change carried
    /// them); empty for other events.
    /// </summary>
    public IReadOnlyList<NftSetElement> Elements { get; init; } = [];

    /// <summary>The netlink port id of the socket that made the change (0 for the kernel itself).</summary>
    public uint PortId { get; init; }

    /// <summary>The new ruleset generation (generation events).</summary>
    public uint? Generation { get; init; }

    /// <summary>The process that committed the transaction (generation events; NFTA_GEN_PROC_PID).</summary>
    public uint? ProcessId { get; init; }

    /// <summary>Its name (NFTA_GEN_PROC_NAME), e.g. "nft".</summary>
    public string? ProcessName { get; init; }
}
