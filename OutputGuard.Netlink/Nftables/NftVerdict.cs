namespace OutputGuard.Netlink.Nftables;

/// <summary>A verdict: a code and, for jump and goto, the target chain.</summary>
/// <param name="Code">The verdict code.</param>
/// <param name="Chain">The target chain of a jump or goto.</param>
public sealed record NftVerdict(NftVerdictCode Code, string? Chain = null)
{
    /// <summary>accept.</summary>
    public static NftVerdict Accept { get; } = new(NftVerdictCode.Accept);

    /// <summary>drop.</summary>
    public static NftVerdict Drop { get; } = new(NftVerdictCode.Drop);

    /// <summary>return.</summary>
    public static NftVerdict Return { get; } = new(NftVerdictCode.Return);

    /// <summary>jump CHAIN.</summary>
    public static NftVerdict Jump(string chain) => new(NftVerdictCode.Jump, chain);
}
