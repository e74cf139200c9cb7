using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nftables.Expressions;

/// <summary>log: sends the packet to nfnetlink_log group <see cref="Group"/> (or to the kernel log when null).</summary>
public sealed record NftLog : NftExpression
{
    internal const ushort NFTA_LOG_GROUP = 1;
    internal const ushort NFTA_LOG_PREFIX = 2;
    internal const ushort NFTA_LOG_SNAPLEN = 3;
    internal const ushort NFTA_LOG_QTHRESHOLD = 4;
    internal const string KernelName = "log";

    /// <summary>NFTA_LOG_GROUP.</summary>
    public ushort? Group { get; init; }

    /// <summary>NFTA_LOG_PREFIX.</summary>
    public string? Prefix { get; init; }

    /// <summary>NFTA_LOG_SNAPLEN: how many bytes of the packet to copy (0 = all).</summary>
    public uint? Snaplen { get; init; }

    /// <summary>NFTA_LOG_QTHRESHOLD: packets to batch in the kernel before sending.</summary>
    public ushort? QueueThreshold { get; init; }

    /// <inheritdoc />
    public override string Name => KernelName;

    internal override void EncodeData(NetlinkWriter writer, NftEncodeContext context)
    {
        if (Prefix is not null)
        {
            writer.String(NFTA_LOG_PREFIX, Prefix);
        }

        if (Group is { } g)
        {
            writer.Be16(NFTA_LOG_GROUP, g);
        }

        if (Snaplen is { } s)
        {
            writer.Be32(NFTA_LOG_SNAPLEN, s);
        }

        if (QueueThreshold is { } q)
        {
            writer.Be16(NFTA_LOG_QTHRESHOLD, q);
        }
    }

    internal static NftLog DecodeData(NftExpressionData data) => new()
    {
        Group = data.OptionalBe16(NFTA_LOG_GROUP),
        Prefix = data.OptionalString(NFTA_LOG_PREFIX),
        Snaplen = data.OptionalBe32(NFTA_LOG_SNAPLEN),
        QueueThreshold = data.OptionalBe16(NFTA_LOG_QTHRESHOLD),
    };
}
