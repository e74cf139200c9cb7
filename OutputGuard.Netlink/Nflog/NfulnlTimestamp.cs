using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Nflog;

/// <summary>
/// struct nfulnl_msg_packet_timestamp of &lt;linux/netfilter/nfnetlink_log.h&gt; (NFULA_TIMESTAMP):
/// <c>__aligned_be64 sec; __aligned_be64 usec;</c>.
/// </summary>
/// <param name="Seconds">sec.</param>
/// <param name="Microseconds">usec.</param>
internal readonly record struct NfulnlTimestamp(long Seconds, long Microseconds)
{
    internal static NfulnlTimestamp Read(ReadOnlySpan<byte> value) =>
        new((long)Wire.Be64(value), (long)Wire.Be64(value[sizeof(ulong)..]));

    /// <summary>The time, or null when it is outside what a DateTimeOffset holds.</summary>
    internal DateTimeOffset? ToDateTimeOffset() =>
        Seconds is >= 0 and < 253402300800 && Microseconds is >= 0 and < 1_000_000
            ? DateTimeOffset.FromUnixTimeSeconds(Seconds).AddTicks(Microseconds * 10)
            : null;
}
