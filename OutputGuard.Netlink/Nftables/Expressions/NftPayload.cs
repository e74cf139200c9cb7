using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>payload: loads bytes of a header into a register (<c>ip saddr</c> is network, offset 12, 4 bytes).</summary>
/// <param name="Base">NFTA_PAYLOAD_BASE.</param>
/// <param name="Offset">NFTA_PAYLOAD_OFFSET.</param>
/// <param name="Length">NFTA_PAYLOAD_LEN.</param>
/// <param name="Register">NFTA_PAYLOAD_DREG.</param>
public sealed record NftPayload(NftPayloadBase Base, uint Offset, uint Length, int Register = NftRegisters.Reg1) : NftExpression
{
    internal const ushort NFTA_PAYLOAD_DREG = 1;
    internal const ushort NFTA_PAYLOAD_BASE = 2;
    internal const ushort NFTA_PAYLOAD_OFFSET = 3;
    internal const ushort NFTA_PAYLOAD_LEN = 4;
    internal const string KernelName = "payload";

    /// <summary><c>ip saddr</c>.</summary>
    public static NftPayload Ipv4Source(int register = NftRegisters.Reg1) => new(NftPayloadBase.Network, 12, 4, register);

    /// <summary><c>ip daddr</c>.</summary>
    public static NftPayload Ipv4Destination(int register = NftRegisters.Reg1) => new(NftPayloadBase.Network, 16, 4, register);

    /// <summary><c>th dport</c> (TCP/UDP destination port).</summary>
    public static NftPayload DestinationPort(int register = NftRegisters.Reg1) => new(NftPayloadBase.Transport, 2, 2, register);

    /// <inheritdoc />
    public override string Name => KernelName;

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be32(NFTA_PAYLOAD_DREG, (uint)Register);
        writer.Be32(NFTA_PAYLOAD_BASE, (uint)Base);
        writer.Be32(NFTA_PAYLOAD_OFFSET, Offset);
        writer.Be32(NFTA_PAYLOAD_LEN, Length);
    }

    internal static NftPayload DecodeData(NftExpressionData data) => new(
        (NftPayloadBase)data.Be32(NFTA_PAYLOAD_BASE), data.Be32(NFTA_PAYLOAD_OFFSET), data.Be32(NFTA_PAYLOAD_LEN),
        (int)data.Be32(NFTA_PAYLOAD_DREG, 0));
}
