using System.Buffers.Binary;
using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Addressing.Tests;

/// <summary>Seeded random addresses and prefixes for property tests, biased towards overlaps and boundaries.</summary>
internal sealed class AddressGenerator(int seed)
{
    public static readonly AddressFamily[] Families = [AddressFamily.InterNetwork, AddressFamily.InterNetworkV6];

    private readonly Random _random = new(seed);

    public int Next(int minInclusive, int maxExclusive) => _random.Next(minInclusive, maxExclusive);

    public AddressFamily Family() => Families[_random.Next(2)];

    /// <summary>A uniformly random address of the family.</summary>
    public UInt128 Number(AddressFamily family)
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        var n = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return family == AddressFamily.InterNetwork ? n & uint.MaxValue : n;
    }

    /// <summary>A random prefix inside <paramref name="window"/>.</summary>
    public IpPrefix PrefixWithin(IpPrefix window)
    {
        var length = _random.Next(window.Length, window.MaxLength + 1);
        var offset = Number(window.Family) & (window.Last - window.First);
        return IpPrefix.FromNumber(window.Family, window.First | offset, length);
    }

    /// <summary>A random window: a prefix short enough that a dozen prefixes inside it often overlap.</summary>
    public IpPrefix Window(AddressFamily family)
    {
        var max = IpPrefix.MaxLengthOf(family);
        var length = _random.Next(0, 4) == 0 ? 0 : max - _random.Next(4, 16);
        return IpPrefix.FromNumber(family, Number(family), length);
    }

    /// <summary>1 to <paramref name="maxCount"/> prefixes of one window.</summary>
    public List<IpPrefix> PrefixesWithin(IpPrefix window, int maxCount) =>
        [.. Enumerable.Range(0, _random.Next(1, maxCount + 1)).Select(_ => PrefixWithin(window))];

    /// <summary>
    /// Addresses worth checking against <paramref name="prefixes"/>: each edge and its neighbours,
    /// plus <paramref name="randomCount"/> random addresses inside <paramref name="window"/> and anywhere.
    /// </summary>
    public IEnumerable<UInt128> Probes(AddressFamily family, IEnumerable<IpPrefix> prefixes, IpPrefix window, int randomCount)
    {
        var top = family == AddressFamily.InterNetwork ? (UInt128)uint.MaxValue : UInt128.MaxValue;
        foreach (var p in prefixes.Where(p => p.Family == family))
        {
            foreach (var edge in new[] { p.First, p.Last })
            {
                yield return edge;
                if (edge > 0)
                {
                    yield return edge - 1;
                }

                if (edge < top)
                {
                    yield return edge + 1;
                }
            }
        }

        for (var i = 0; i < randomCount; i++)
        {
            yield return window.First | (Number(family) & (window.Last - window.First));
            yield return Number(family);
        }
    }

    /// <summary>Whether any prefix of the family holds the numbered address.</summary>
    public static bool InAny(IEnumerable<IpPrefix> prefixes, AddressFamily family, UInt128 number) =>
        prefixes.Any(p => p.Family == family && p.Contains(number));
}
