using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// Bytes and packets of one allowed host in both directions, as numbers: what a reading keeps per host, so that a
/// million hosts cost no string or record each until one is chosen for a series (<see cref="Label"/> makes its
/// <c>ip</c> label then).
/// </summary>
/// <param name="Family">The host's address family.</param>
/// <param name="Address">The address as a number (IPv4 in the low 32 bits).</param>
/// <param name="OutputBytes">Bytes client → destination.</param>
/// <param name="OutputPackets">Packets client → destination.</param>
/// <param name="InputBytes">Bytes destination → client.</param>
/// <param name="InputPackets">Packets destination → client.</param>
/// <param name="HasOutput">Whether an <c>OUTPUT</c> counter was read (the host has that series).</param>
/// <param name="HasInput">Whether an <c>INPUT</c> counter was read.</param>
public readonly record struct HostCounter(
    AddressFamily Family, UInt128 Address, ulong OutputBytes, ulong OutputPackets, ulong InputBytes, ulong InputPackets, bool HasOutput, bool HasInput)
{
    /// <summary>The host's prefix (/32 or /128).</summary>
    public IpPrefix Prefix => IpPrefix.FromNumber(Family, Address, IpPrefix.MaxLengthOf(Family));

    /// <summary>Bytes of both directions.</summary>
    public ulong Bytes => OutputBytes + InputBytes;

    /// <summary>The <c>ip</c> label: the address (a new string each call).</summary>
    public string Label() => IpPrefix.ToAddress(Family, Address).ToString();
}
