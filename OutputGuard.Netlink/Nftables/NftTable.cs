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

    /// <summary>
    /// NFTA_TABLE_USERDATA: at most 256 bytes the kernel keeps for the table's creator and never interprets; set
    /// when the table is created (the kernel does not change it on a later NEWTABLE). <see cref="NftUserData"/> writes
    /// and reads the comment TLV that <c>nft list table</c> shows as <c>comment "…"</c>.
    /// </summary>
    public byte[]? UserData { get; init; }
}
