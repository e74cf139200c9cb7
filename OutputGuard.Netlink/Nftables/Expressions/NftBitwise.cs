using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>bitwise: <c>dreg = (sreg &amp; mask) ^ xor</c> (NFT_BITWISE_MASK_XOR), e.g. a prefix match.</summary>
/// <param name="Mask">NFTA_BITWISE_MASK.</param>
/// <param name="Xor">NFTA_BITWISE_XOR (same length as the mask).</param>
/// <param name="SourceRegister">NFTA_BITWISE_SREG.</param>
/// <param name="DestinationRegister">NFTA_BITWISE_DREG.</param>
public sealed record NftBitwise(byte[] Mask, byte[] Xor, int SourceRegister = NftRegisters.Reg1, int DestinationRegister = NftRegisters.Reg1) : NftExpression
{
    internal const ushort NFTA_BITWISE_SREG = 1;
    internal const ushort NFTA_BITWISE_DREG = 2;
    internal const ushort NFTA_BITWISE_LEN = 3;
    internal const ushort NFTA_BITWISE_MASK = 4;
    internal const ushort NFTA_BITWISE_XOR = 5;
    internal const string KernelName = "bitwise";

    /// <inheritdoc />
    public override string Name => KernelName;

    /// <inheritdoc />
    public bool Equals(NftBitwise? other) =>
        other is not null && SourceRegister == other.SourceRegister && DestinationRegister == other.DestinationRegister
        && Mask.AsSpan().SequenceEqual(other.Mask) && Xor.AsSpan().SequenceEqual(other.Xor);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(SourceRegister, DestinationRegister, Mask.Length);

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        if (Mask.Length != Xor.Length)
        {
            throw new ArgumentException("bitwise needs a mask and a xor of the same length.");
        }

        writer.Be32(NFTA_BITWISE_SREG, (uint)SourceRegister);
        writer.Be32(NFTA_BITWISE_DREG, (uint)DestinationRegister);
        writer.Be32(NFTA_BITWISE_LEN, (uint)Mask.Length);
        NftData.WriteValue(writer, NFTA_BITWISE_MASK, Mask);
        NftData.WriteValue(writer, NFTA_BITWISE_XOR, Xor);
    }

    internal static NftBitwise DecodeData(NftExpressionData data) => new(
        data.Value(NFTA_BITWISE_MASK), data.Value(NFTA_BITWISE_XOR),
        (int)data.Be32(NFTA_BITWISE_SREG), (int)data.Be32(NFTA_BITWISE_DREG));
}
