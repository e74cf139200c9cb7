namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// A named set. <see cref="Counters"/> gives every element its own counter (NFTA_SET_EXPR counter), read back
/// with <see cref="NftConnection.ListElements(NftSet)"/>.
/// </summary>
public sealed record NftSet
{
    /// <summary>The table's family.</summary>
    public required NftFamily Family { get; init; }

    /// <summary>The table's name.</summary>
    public required string Table { get; init; }

    /// <summary>The set's name.</summary>
    public required string Name { get; init; }

    /// <summary>The key type.</summary>
    public required NftKeyType KeyType { get; init; }

    /// <summary>Flags: interval, timeout, dynamic …; <see cref="NftSetFlags.Concat"/> and <see cref="NftSetFlags.Expr"/> are added as needed.</summary>
    public NftSetFlags Flags { get; init; }

    /// <summary>The default element timeout (needs <see cref="NftSetFlags.Timeout"/>).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The maximum number of elements (NFTA_SET_DESC_SIZE); dynamic sets need one.</summary>
    public uint? Size { get; init; }

    /// <summary>Whether each element carries a counter (bytes, packets).</summary>
    public bool Counters { get; init; }

    /// <summary>The kernel's handle (read back only).</summary>
    public ulong Handle { get; init; }

    /// <summary>The flags as sent to the kernel.</summary>
    internal NftSetFlags WireFlags =>
        Flags | (KeyType.IsConcat ? NftSetFlags.Concat : 0) | (Counters ? NftSetFlags.Expr : 0);
}
