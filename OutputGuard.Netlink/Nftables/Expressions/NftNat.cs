using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>nat: snat/dnat to the address (and port) held in registers, loaded before by immediate.</summary>
/// <param name="Type">NFTA_NAT_TYPE.</param>
/// <param name="Family">NFTA_NAT_FAMILY (2 IPv4, 10 IPv6).</param>
/// <param name="AddressRegister">NFTA_NAT_REG_ADDR_MIN, or null.</param>
/// <param name="PortRegister">NFTA_NAT_REG_PROTO_MIN, or null.</param>
/// <param name="Flags">NFTA_NAT_FLAGS (NF_NAT_RANGE_*), 0 for none.</param>
public sealed record NftNat(NftNatType Type, byte Family, int? AddressRegister, int? PortRegister = null, uint Flags = 0) : NftExpression
{
    internal const ushort NFTA_NAT_TYPE = 1;
    internal const ushort NFTA_NAT_FAMILY = 2;
    internal const ushort NFTA_NAT_REG_ADDR_MIN = 3;
    internal const ushort NFTA_NAT_REG_PROTO_MIN = 5;
    internal const ushort NFTA_NAT_FLAGS = 7;
    internal const string KernelName = "nat";

    /// <inheritdoc />
    public override string Name => KernelName;

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        writer.Be32(NFTA_NAT_TYPE, (uint)Type);
        writer.Be32(NFTA_NAT_FAMILY, Family);
        if (AddressRegister is { } a)
        {
            writer.Be32(NFTA_NAT_REG_ADDR_MIN, (uint)a);
        }

        if (PortRegister is { } p)
        {
            writer.Be32(NFTA_NAT_REG_PROTO_MIN, (uint)p);
        }

        if (Flags != 0)
        {
            writer.Be32(NFTA_NAT_FLAGS, Flags);
        }
    }

    internal static NftNat DecodeData(NftExpressionData data) => new(
        (NftNatType)data.Be32(NFTA_NAT_TYPE), (byte)data.Be32(NFTA_NAT_FAMILY),
        (int?)data.OptionalBe32(NFTA_NAT_REG_ADDR_MIN), (int?)data.OptionalBe32(NFTA_NAT_REG_PROTO_MIN),
        data.Be32(NFTA_NAT_FLAGS, 0));
}
