using System.Buffers.Binary;
using System.Net.Sockets;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// Turns CIDR and port-restricted destinations into the set elements the kernel holds, and kernel elements back into
/// comparable ids (single addresses go as raw keys: <see cref="HostMirror"/>).
/// An entry is keyed by an id (the hex of its key, and of its closing key or interval end) and carries the
/// kernel elements that make it up: one for a hash or concatenated element, start and end for an interval.
/// </summary>
public static class ElementCompiler
{
    /// <summary>
    /// The interval elements of CIDRs of one family: merged (no overlaps), adjacent blocks joined into one range.
    /// </summary>
    public static Dictionary<string, NftSetElement[]> Nets(IEnumerable<Destination> nets, AddressFamily family)
    {
        var merged = PrefixMath.Merge(nets.Where(n => n.Prefix.Family == family).Select(n => n.Prefix));
        return Ranges(merged, family);
    }

    /// <summary>The interval elements covering <paramref name="prefixes"/> (any overlap allowed).</summary>
    public static Dictionary<string, NftSetElement[]> Ranges(IEnumerable<IpPrefix> prefixes, AddressFamily family)
    {
        var result = new Dictionary<string, NftSetElement[]>(StringComparer.Ordinal);
        UInt128? start = null, last = null;
        foreach (var p in PrefixMath.Merge(prefixes.Where(p => p.Family == family)))
        {
            if (start is not null && last is { } l && l != Max(family) && p.First == l + 1)
            {
                last = p.Last;
                continue;
            }

            Flush();
            start = p.First;
            last = p.Last;
        }

        Flush();
        return result;

        void Flush()
        {
            if (start is { } s && last is { } e)
            {
                var begin = new NftSetElement { Key = Bytes(family, s) };
                var id = Convert.ToHexString(begin.Key) + "-" + (e == Max(family) ? "max" : Convert.ToHexString(Bytes(family, e + 1)));
                result[id] = e == Max(family) ? [begin] : [begin, new NftSetElement { Key = Bytes(family, e + 1), IsIntervalEnd = true }];
            }
        }
    }

    /// <summary>
    /// The <c>addr . proto . port</c> range elements of port-restricted destinations of one family. An interval
    /// set cannot hold overlapping elements: port ranges of one prefix and protocol are merged, and where a broader
    /// prefix already allows some of a narrower prefix's ports (prefixes nest or are disjoint), the narrower one
    /// keeps only the ports the broader does not cover — the same traffic is allowed, without overlaps.
    /// </summary>
    public static Dictionary<string, NftSetElement[]> Ports(IEnumerable<Destination> ports, AddressFamily family)
    {
        var boxes = new List<(IpPrefix Prefix, byte Proto, ushort From, ushort To)>();
        var restricted = ports.Where(p => p.Prefix.Family == family).Select(p => (p.Prefix, Rule: p.Port ?? throw new ArgumentException($"{p} allows every port", nameof(ports))));
        foreach (var group in restricted.GroupBy(p => (p.Prefix, p.Rule.Protocol)))
        {
            foreach (var (from, to) in MergePorts(group.Select(g => ((ushort)g.Rule.From, (ushort)g.Rule.To))))
            {
                boxes.Add((group.Key.Prefix, (byte)group.Key.Protocol, from, to));
            }
        }

        // Broadest prefixes first, so that every prefix containing a box is placed before it.
        boxes.Sort((a, b) => a.Prefix.Length != b.Prefix.Length ? a.Prefix.Length.CompareTo(b.Prefix.Length) : a.Prefix.CompareTo(b.Prefix));
        var placed = new Dictionary<byte, List<(IpPrefix Prefix, ushort From, ushort To)>>();
        var result = new Dictionary<string, NftSetElement[]>(StringComparer.Ordinal);
        foreach (var box in boxes)
        {
            var list = placed.TryGetValue(box.Proto, out var l) ? l : placed[box.Proto] = [];
            var covered = list.Where(o => o.Prefix.Contains(box.Prefix) && o.Prefix != box.Prefix).Select(o => (o.From, o.To)).ToList();
            foreach (var (from, to) in SubtractPorts(box.From, box.To, covered))
            {
                list.Add((box.Prefix, from, to));
                var e = new NftSetElement
                {
                    Key = ServiceKey(family, box.Prefix.First, box.Proto, from),
                    KeyEnd = ServiceKey(family, box.Prefix.Last, box.Proto, to),
                };
                result[Id(e)] = [e];
            }
        }

        return result;
    }

    /// <summary>
    /// Groups the elements read from a kernel set into ids as the compile methods produce them, each with the kernel
    /// elements that make it up, without what the kernel adds (counters, timeouts), so they compare with compiled ones.
    /// </summary>
    public static Dictionary<string, NftSetElement[]> FromKernel(IReadOnlyList<NftSetElement> elements, bool interval, bool concat) =>
        Group(elements, interval, concat).ToDictionary(
            g => g.Key,
            g => g.Value.Select(e => new NftSetElement { Key = e.Key, KeyEnd = concat ? e.KeyEnd ?? e.Key : null, IsIntervalEnd = interval && !concat && e.IsIntervalEnd }).ToArray(),
            StringComparer.Ordinal);

    /// <summary>
    /// Groups the elements read from <paramref name="set"/> into the destinations the compile methods made them from,
    /// as read (counters included): one element for a hash or concatenated element, start and end for an interval.
    /// </summary>
    public static Dictionary<string, NftSetElement[]> Group(NftSet set, IReadOnlyList<NftSetElement> elements)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Group(elements, set.Flags.HasFlag(NftSetFlags.Interval), set.KeyType.IsConcat);
    }

    /// <summary>The addresses (first and last, as numbers) that one entry of <paramref name="set"/>, grouped by <see cref="Group(NftSet, IReadOnlyList{NftSetElement})"/>, covers.</summary>
    public static (UInt128 First, UInt128 Last) AddressRange(NftSet set, NftSetElement[] entry)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(entry);
        var start = entry[0];
        if (set.KeyType.IsConcat)
        {
            return (Number(start.Key), Number(start.KeyEnd ?? start.Key));
        }

        if (!set.Flags.HasFlag(NftSetFlags.Interval))
        {
            return (Number(start.Key), Number(start.Key));
        }

        return (Number(start.Key), entry.Length > 1 ? Number(entry[1].Key) - 1 : Max(FamilyLayout.Of(set).Family));
    }

    private static Dictionary<string, NftSetElement[]> Group(IReadOnlyList<NftSetElement> elements, bool interval, bool concat)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var result = new Dictionary<string, NftSetElement[]>(StringComparer.Ordinal);
        if (!interval || concat)
        {
            foreach (var e in elements)
            {
                result[concat ? Id(e) : Convert.ToHexString(e.Key)] = [e];
            }

            return result;
        }

        var sorted = elements.OrderBy(e => Number(e.Key)).ThenBy(e => e.IsIntervalEnd ? 0 : 1).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].IsIntervalEnd)
            {
                continue;
            }

            if (i + 1 < sorted.Count && sorted[i + 1].IsIntervalEnd)
            {
                result[Convert.ToHexString(sorted[i].Key) + "-" + Convert.ToHexString(sorted[i + 1].Key)] = [sorted[i], sorted[i + 1]];
            }
            else
            {
                result[Convert.ToHexString(sorted[i].Key) + "-max"] = [sorted[i]];
            }
        }

        return result;
    }

    /// <summary>The id of a concatenated range element.</summary>
    public static string Id(NftSetElement e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Convert.ToHexString(e.Key) + "/" + Convert.ToHexString(e.KeyEnd ?? e.Key);
    }

    /// <summary>The address bytes of a number.</summary>
    public static byte[] Bytes(AddressFamily family, UInt128 number) => IpPrefix.ToAddress(family, number).GetAddressBytes();

    /// <summary>The big-endian number of address bytes (4 or 16; longer keys use their first 16 or 4 bytes).</summary>
    public static UInt128 Number(ReadOnlySpan<byte> key) => key.Length >= 16
        ? BinaryPrimitives.ReadUInt128BigEndian(key[..16])
        : BinaryPrimitives.ReadUInt32BigEndian(key[..4]);

    private static byte[] ServiceKey(AddressFamily family, UInt128 address, byte proto, ushort port)
    {
        var a = Bytes(family, address);
        var key = new byte[a.Length + 8];
        a.CopyTo(key, 0);
        key[a.Length] = proto;
        BinaryPrimitives.WriteUInt16BigEndian(key.AsSpan(a.Length + 4), port);
        return key;
    }

    private static IEnumerable<(ushort From, ushort To)> MergePorts(IEnumerable<(ushort From, ushort To)> ranges)
    {
        (ushort From, ushort To)? current = null;
        foreach (var r in ranges.OrderBy(r => r.From))
        {
            if (current is { } c && r.From <= c.To + 1)
            {
                current = (c.From, Math.Max(c.To, r.To));
            }
            else
            {
                if (current is { } done)
                {
                    yield return done;
                }

                current = r;
            }
        }

        if (current is { } last)
        {
            yield return last;
        }
    }

    private static IEnumerable<(ushort From, ushort To)> SubtractPorts(ushort from, ushort to, List<(ushort From, ushort To)> covered)
    {
        int start = from;
        foreach (var (f, t) in MergePorts(covered))
        {
            if (t < start || f > to)
            {
                continue;
            }

            if (f > start)
            {
                yield return ((ushort)start, (ushort)(f - 1));
            }

            start = t + 1;
        }

        if (start <= to)
        {
            yield return ((ushort)start, to);
        }
    }

    private static UInt128 Max(AddressFamily family) => family == AddressFamily.InterNetwork ? uint.MaxValue : UInt128.MaxValue;
}
