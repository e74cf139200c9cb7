using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>cmp: compares a register with data (in the byte order the loaded field has; network order for headers).</summary>
/// <param name="Op">NFTA_CMP_OP.</param>
/// <param name="Data">NFTA_CMP_DATA.</param>
/// <param name="Register">NFTA_CMP_SREG.</param>
public sealed record NftCmp(NftCmpOp Op, byte[] Data, int Register = NftRegisters.Reg1) : NftExpression
{
    internal const ushort NFTA_CMP_SREG = 1;
    internal const ushort NFTA_CMP_OP = 2;
    internal const ushort NFTA_CMP_DATA = 3;
    internal const string KernelName = "cmp";

    /// <inheritdoc />
    public override string Name => KernelName;

    /// <inheritdoc />
    public bool Equals(NftCmp? other) =>
        other is not null && Op == other.Op && Register == other.Register && Data.AsSpan().SequenceEqual(other.Data);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Op, Register, Data.Length);

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be32(NFTA_CMP_SREG, (uint)Register);
        writer.Be32(NFTA_CMP_OP, (uint)Op);
        NftData.WriteValue(writer, NFTA_CMP_DATA, Data);
    }

    internal static NftCmp DecodeData(NftExpressionData data) =>
        new((NftCmpOp)data.Be32(NFTA_CMP_OP), data.Value(NFTA_CMP_DATA), (int)data.Be32(NFTA_CMP_SREG));
}
