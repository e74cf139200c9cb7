using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>An expression this library does not model, kept as its raw NFTA_EXPR_DATA so it can be written back.</summary>
/// <param name="ExpressionName">The kernel's name.</param>
/// <param name="Data">The raw attributes inside NFTA_EXPR_DATA.</param>
public sealed record NftUnknownExpression(string ExpressionName, byte[] Data) : NftExpression
{
    /// <inheritdoc />
    public override string Name => ExpressionName;

    /// <inheritdoc />
    public bool Equals(NftUnknownExpression? other) =>
        other is not null && ExpressionName == other.ExpressionName && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ExpressionName, Data.Length);

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        var reader = new AttributeReader(Data);
        while (reader.Next(out var type, out var value))
        {
            writer.Bytes(type, value);
        }
    }
}
