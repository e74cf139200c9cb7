using System.Buffers.Binary;
using System.Net;
using OutputGuard.Addressing;

namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// A set element: its key in network byte order (padded per field for concatenations), an optional closing
/// key (pipapo ranges), flags, timeout, and the counter values when read back from a set with counters.
/// </summary>
public sealed record NftSetElement
{
    /// <summary>The key bytes as the kernel holds them.</summary>
    public required byte[] Key { get; init; }

    /// <summary>NFTA_SET_ELEM_KEY_END: the last key of a range in a concatenated interval set.</summary>
    public byte[]? KeyEnd { get; init; }

    /// <summary>Whether this element only closes the interval before it (NFT_SET_ELEM_INTERVAL_END).</summary>
    public bool IsIntervalEnd { get; init; }

    /// <summary>The element's own timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Time left before the element expires (read back only).</summary>
    public TimeSpan? Expires { get; init; }

    /// <summary>Packets counted for this element (read back, when the set has counters).</summary>
    public ulong? Packets { get; init; }

    /// <summary>Bytes counted for this element (read back, when the set has counters).</summary>
    public ulong? Bytes { get; init; }

    /// <summary>The key read as an IPv4 or IPv6 address (4- or 16-byte keys).</summary>
    public IPAddress KeyAddress => new(Key.Length >= 16 ? Key.AsSpan(0, 16) : Key.AsSpan(0, 4));

    /// <summary>An address element (ipv4_addr or ipv6_addr set).</summary>
    public static NftSetElement Address(IPAddress address, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new NftSetElement { Key = address.GetAddressBytes(), Timeout = timeout };
    }

    /// <summary>
    /// The two elements of a prefix in an interval set: its first address, and an interval-end element one past its
    /// last address (none when the prefix runs to the top of the address space).
    /// </summary>
    public static IEnumerable<NftSetElement> Interval(IpPrefix prefix)
    {
        yield return new NftSetElement { Key = prefix.Address.GetAddressBytes() };
        var max = prefix.IsIPv4 ? uint.MaxValue : UInt128.MaxValue;
        if (prefix.Last != max)
        {
            yield return new NftSetElement
            {
                Key = IpPrefix.ToAddress(prefix.Family, prefix.Last + 1).GetAddressBytes(),
                IsIntervalEnd = true,
            };
        }
    }

    /// <summary>An <c>ipv4_addr . inet_proto . inet_service</c> key: each field padded to 4 bytes, network order.</summary>
    public static NftSetElement AddressProtocolPort(IPAddress address, byte protocol, ushort port, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        var a = address.GetAddressBytes();
        var key = new byte[Pad(a.Length) + 4 + 4];
        a.CopyTo(key, 0);
        key[Pad(a.Length)] = protocol;
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(Pad(a.Length) + 4), port);
        return new NftSetElement { Key = key, Timeout = timeout };
    }

    private static int Pad(int n) => (n + 3) & ~3;
}
