using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Addressing;

/// <summary>
/// Set arithmetic on CIDR prefixes: union, difference, complement and the decomposition of an
/// address range into the fewest CIDRs. Every result is sorted (IPv4 first, then by address),
/// free of overlaps, and minimal: adjacent blocks that can form one CIDR are one CIDR.
/// </summary>
public static class PrefixMath
{
    private static readonly AddressFamily[] Families = [AddressFamily.InterNetwork, AddressFamily.InterNetworkV6];

    /// <summary>
    /// The fewest non-overlapping CIDRs covering exactly the union of <paramref name="prefixes"/>:
    /// overlapping and adjacent prefixes are collapsed. Both families may be mixed.
    /// </summary>
    public static IReadOnlyList<IpPrefix> Merge(IEnumerable<IpPrefix> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var all = prefixes as IReadOnlyCollection<IpPrefix> ?? [.. prefixes];
        var result = new List<IpPrefix>();
        foreach (var family in Families)
        {
            AppendCidrs(result, family, Union(all, family));
        }

        return result.AsReadOnly();
    }

    /// <summary>
    /// The fewest CIDRs covering exactly the addresses of <paramref name="from"/> that are in no
    /// prefix of <paramref name="remove"/>. Both families may be mixed.
    /// </summary>
    public static IReadOnlyList<IpPrefix> Subtract(IEnumerable<IpPrefix> from, IEnumerable<IpPrefix> remove)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(remove);
        var fromAll = from as IReadOnlyCollection<IpPrefix> ?? [.. from];
        var removeAll = remove as IReadOnlyCollection<IpPrefix> ?? [.. remove];
        var result = new List<IpPrefix>();
        foreach (var family in Families)
        {
            AppendCidrs(result, family, Subtract(Union(fromAll, family), Union(removeAll, family)));
        }

        return result.AsReadOnly();
    }

    /// <summary>
    /// The fewest CIDRs of <paramref name="family"/> covering exactly the addresses that no prefix in
    /// <paramref name="prefixes"/> covers. Prefixes of the other family are ignored.
    /// </summary>
    public static IReadOnlyList<IpPrefix> Complement(IEnumerable<IpPrefix> prefixes, AddressFamily family)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        var whole = IpPrefix.FromNumber(CheckFamily(family), UInt128.Zero, 0);
        return Subtract([whole], prefixes.Where(p => p.Family == family));
    }

    /// <summary>The fewest CIDRs covering exactly the addresses from <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static IReadOnlyList<IpPrefix> FromRange(IPAddress first, IPAddress last)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(last);
        if (first.AddressFamily != last.AddressFamily)
        {
            throw new ArgumentException($"'{first}' and '{last}' are of different families.", nameof(last));
        }

        return FromRange(first.AddressFamily, IpPrefix.ToNumber(first), IpPrefix.ToNumber(last));
    }

    /// <summary>
    /// The fewest CIDRs covering exactly the numbered addresses from <paramref name="first"/> to
    /// <paramref name="last"/> inclusive (IPv4 in the low 32 bits).
    /// </summary>
    public static IReadOnlyList<IpPrefix> FromRange(AddressFamily family, UInt128 first, UInt128 last)
    {
        var max = IpPrefix.MaxLengthOf(CheckFamily(family));
        if (first > last || last > AllOnes(max))
        {
            throw new ArgumentOutOfRangeException(nameof(last), $"{first}..{last} is not a range of IPv{(max == 32 ? 4 : 6)} addresses.");
        }

        var result = new List<IpPrefix>();
        AppendCidrs(result, family, [new AddressRange(first, last)]);
        return result.AsReadOnly();
    }

    /// <summary>The union of the prefixes of one family as sorted, disjoint, non-adjacent ranges.</summary>
    internal static List<AddressRange> Union(IEnumerable<IpPrefix> prefixes, AddressFamily family)
    {
        var ranges = prefixes.Where(p => p.Family == family).Select(AddressRange.Of).ToList();
        ranges.Sort((a, b) => a.First.CompareTo(b.First));
        var merged = new List<AddressRange>(ranges.Count);
        foreach (var range in ranges)
        {
            if (merged.Count > 0)
            {
                var last = merged[^1];
                if (last.Last == UInt128.MaxValue || range.First <= last.Last + 1)
                {
                    merged[^1] = last with { Last = UInt128.Max(last.Last, range.Last) };
                    continue;
                }
            }

            merged.Add(range);
        }

        return merged;
    }

    /// <summary>The addresses of <paramref name="from"/> not in <paramref name="remove"/>; both sorted and disjoint.</summary>
    internal static List<AddressRange> Subtract(List<AddressRange> from, List<AddressRange> remove)
    {
        var result = new List<AddressRange>(from.Count + remove.Count);
        var j = 0;
        foreach (var range in from)
        {
            while (j < remove.Count && remove[j].Last < range.First)
            {
                j++;
            }

            var start = range.First;
            var consumed = false;
            for (var k = j; k < remove.Count && remove[k].First <= range.Last; k++)
            {
                if (remove[k].First > start)
                {
                    result.Add(new AddressRange(start, remove[k].First - 1));
                }

                if (remove[k].Last >= range.Last)
                {
                    consumed = true;
                    break;
                }

                start = UInt128.Max(start, remove[k].Last + 1);
            }

            if (!consumed)
            {
                result.Add(new AddressRange(start, range.Last));
            }
        }

        return result;
    }

    /// <summary>Appends the fewest CIDRs of each range, in order.</summary>
    internal static void AppendCidrs(List<IpPrefix> output, AddressFamily family, IEnumerable<AddressRange> ranges)
    {
        var max = IpPrefix.MaxLengthOf(family);
        foreach (var range in ranges)
        {
            var first = range.First;
            while (true)
            {
                // The largest block that starts at `first` (aligned) and ends at or before `range.Last`.
                var span = range.Last - first;
                var bits = first == UInt128.Zero ? max : Math.Min(max, (int)UInt128.TrailingZeroCount(first));
                while (bits > 0 && AllOnes(bits) > span)
                {
                    bits--;
                }

                output.Add(IpPrefix.FromNumber(family, first, max - bits));
                var blockLast = first + AllOnes(bits);
                if (blockLast >= range.Last)
                {
                    break;
                }

                first = blockLast + 1;
            }
        }
    }

    /// <summary>2^bits - 1, for bits from 0 to 128.</summary>
    internal static UInt128 AllOnes(int bits) => bits >= 128 ? UInt128.MaxValue : (UInt128.One << bits) - 1;

    private static AddressFamily CheckFamily(AddressFamily family) =>
        family is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? family
            : throw new ArgumentOutOfRangeException(nameof(family), family, "Only InterNetwork and InterNetworkV6 have prefixes.");
}
