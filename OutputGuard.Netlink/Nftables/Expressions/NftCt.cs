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

    /// <summary>The ct state bit of an established connection.</summary>
    public const uint StateEstablished = 2;

    /// <summary>The ct state bit of a related connection.</summary>
    public const uint StateRelated = 4;

    /// <summary>The ct state bit of a new connection.</summary>
    public const uint StateNew = 8;

    /// <summary>NFTA_CT_DIRECTION of the original direction (IP_CT_DIR_ORIGINAL).</summary>
    public const byte Original = 0;

    /// <summary>NFTA_CT_DIRECTION of the reply direction (IP_CT_DIR_REPLY); also the value <c>ct direction</c> loads for replies.</summary>
    public const byte Reply = 1;

    /// <inheritdoc />
    public override string Name => "ct";

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be32(NFTA_CT_KEY, (uint)Key);
        writer.Be32(NFTA_CT_DREG, (uint)Register);
        if (Direction is { } d)
        {
            writer.U8(NFTA_CT_DIRECTION, d);
        }
    }
}
