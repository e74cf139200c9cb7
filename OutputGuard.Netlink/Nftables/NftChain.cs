namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// A chain. A base chain has a <see cref="Hook"/>, a <see cref="Type"/> ("filter", "nat", "route"), a
/// priority and a policy; a regular chain (a jump target) has none of them.
/// </summary>
public sealed record NftChain
{
    /// <summary>The table's family.</summary>
    public required NftFamily Family { get; init; }

    /// <summary>The table's name.</summary>
    public required string Table { get; init; }

    /// <summary>The chain's name.</summary>
    public required string Name { get; init; }

    /// <summary>The hook of a base chain; null for a regular chain.</summary>
    public NftHook? Hook { get; init; }

    /// <summary>The hook priority (filter is 0, srcnat 100, dstnat -100).</summary>
    public int Priority { get; init; }

    /// <summary>The chain type of a base chain: "filter", "nat" or "route".</summary>
    public string? Type { get; init; }

    /// <summary>The policy of a base chain (accept or drop).</summary>
    public NftVerdictCode? Policy { get; init; }

    /// <summary>The kernel's handle (read back only).</summary>
    public ulong Handle { get; init; }

    /// <summary>A base chain hooked at <paramref name="hook"/>.</summary>
    public static NftChain Base(NftFamily family, string table, string name, NftHook hook, int priority = 0, string type = "filter", NftVerdictCode policy = NftVerdictCode.Accept) =>
        new() { Family = family, Table = table, Name = name, Hook = hook, Priority = priority, Type = type, Policy = policy };

    /// <summary>A regular chain (a jump target).</summary>
    public static NftChain Regular(NftFamily family, string table, string name) =>
        new() { Family = family, Table = table, Name = name };
}
