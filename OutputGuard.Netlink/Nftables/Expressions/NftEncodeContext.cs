namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>What an expression needs from the batch it is encoded in: the ids of sets created in the same transaction.</summary>
internal sealed class NftEncodeContext
{
    internal static readonly NftEncodeContext Empty = new(static _ => null);

    private readonly Func<string, uint?> _setId;

    internal NftEncodeContext(Func<string, uint?> setId) => _setId = setId;

    internal uint? SetId(string name) => _setId(name);
}
