using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>ct: loads conntrack state into a register (<c>ct state established,related</c>).</summary>
/// <param name="Key">NFTA_CT_KEY.</param>
/// <param name="Register">NFTA_CT_DREG.</param>
/// <param name="Direction">NFTA_CT_DIRECTION (0 original, 1 reply) for per-direction keys.</param>
public sealed record NftCt(NftCtKey Key, int Register = NftRegisters.Reg1, byte? Direction = null) : NftExpression
{
    internal const ushort NFTA_CT_DREG = 1;
    internal const ushort NFTA_CT_KEY = 2;
    internal const ushort NFTA_CT_DIRECTION = 3;
    internal const string KernelName = "ct";

    /// <summary>NFTA_CT_DIRECTION of the original direction (IP_CT_DIR_ORIGINAL).</summary>
    public const byte Original = 0;

    /// <summary>NFTA_CT_DIRECTION of the reply direction (IP_CT_DIR_REPLY); also the value <c>ct direction</c> loads for replies.</summary>
    public const byte Reply = 1;

    /// <inheritdoc />
    public override string Name => KernelName;

    /// <summary>
    /// <c>ct state</c> with any of <paramref name="states"/> (<c>ct state established,related</c>), as nft compiles it:
    /// the state into <see cref="NftRegisters.Reg1"/>, masked with the bits, compared with zero.
    /// </summary>
    public static NftExpression[] StateIsAnyOf(NftCtState states) =>
        [new NftCt(NftCtKey.State), new NftBitwise(StateBytes(states), new byte[4]), new NftCmp(NftCmpOp.Neq, new byte[4])];

    /// <summary>ct state bits as the kernel loads them into a register: a 32-bit value in host byte order.</summary>
    public static byte[] StateBytes(NftCtState states) => BitConverter.GetBytes((uint)states);

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be32(NFTA_CT_KEY, (uint)Key);
        writer.Be32(NFTA_CT_DREG, (uint)Register);
        if (Direction is { } d)
        {
            writer.U8(NFTA_CT_DIRECTION, d);
        }
    }

    internal static NftCt DecodeData(NftExpressionData data) => new(
        (NftCtKey)data.Be32(NFTA_CT_KEY), (int)data.Be32(NFTA_CT_DREG, 0),
        data.Has(NFTA_CT_DIRECTION) ? Wire.U8(data.Get(NFTA_CT_DIRECTION)) : null);
}
