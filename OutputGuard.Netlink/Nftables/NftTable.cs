namespace OutputGuard.Netlink.Nftables;

/// <summary>A table.</summary>
/// <param name="Family">Its family.</param>
/// <param name="Name">Its name.</param>
public sealed record NftTable(NftFamily Family, string Name)
{
    /// <summary>NFTA_TABLE_FLAGS (1 = dormant).</summary>
    public uint Flags { get; init; }

    /// <summary>The kernel's handle (read back only).</summary>
    public ulong Handle { get; init; }

    /// <summary>How many chains, sets and objects use it (read back only).</summary>
    public uint Use { get; init; }
}
