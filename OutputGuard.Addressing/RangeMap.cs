using System.Net.Sockets;

namespace OutputGuard.Addressing;

/// <summary>
/// A map from disjoint address ranges of one family to names, built by painting layers in order:
/// a later layer overrides what it covers (<see cref="Paint"/>, <see cref="Clear"/>) or fills only
/// what is still unnamed (<see cref="Fill"/>). Small (hundreds of ranges); built once per configuration.
/// </summary>
internal sealed class RangeMap(AddressFamily family)
{
    private List<Segment> _segments = [];

    public AddressFamily Family { get; } = family;

    /// <summary>Names every address of <paramref name="range"/>, replacing any earlier name.</summary>
    public void Paint(AddressRange range, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Replace(range, name);
    }

    /// <summary>Removes every address of <paramref name="range"/> from the map.</summary>
    public void Clear(AddressRange range) => Replace(range, null);

    /// <summary>Names the addresses of <paramref name="range"/> that have no name yet.</summary>
    public void Fill(AddressRange range, string name)
    {
        var gaps = PrefixMath.Subtract(
            [range],
            [.. _segments.Where(s => s.Last >= range.First && s.First <= range.Last).Select(s => new AddressRange(s.First, s.Last))]);
        foreach (var gap in gaps)
        {
            Paint(gap, name);
        }
    }

    /// <summary>The named ranges as CIDRs, sorted; adjacent ranges of one name are decomposed together.</summary>
    public List<NamedRange> ToNamedRanges()
    {
        var result = new List<NamedRange>();
        var cidrs = new List<IpPrefix>();
        var i = 0;
        while (i < _segments.Count)
        {
            var run = _segments[i];
            var j = i + 1;
            while (j < _segments.Count && _segments[j].Name == run.Name && _segments[j].First == _segments[j - 1].Last + 1)
            {
                j++;
            }

            cidrs.Clear();
            PrefixMath.AppendCidrs(cidrs, Family, [new AddressRange(run.First, _segments[j - 1].Last)]);
            result.AddRange(cidrs.Select(c => new NamedRange(c, run.Name)));
            i = j;
        }

        return result;
    }

    private void Replace(AddressRange range, string? name)
    {
        var next = new List<Segment>(_segments.Count + 2);
        var inserted = false;
        foreach (var s in _segments)
        {
            if (s.Last < range.First || s.First > range.Last)
            {
                if (!inserted && s.First > range.Last)
                {
                    AddNamed(next, range, name);
                    inserted = true;
                }

                next.Add(s);
                continue;
            }

            if (s.First < range.First)
            {
                next.Add(s with { Last = range.First - 1 });
            }

            if (!inserted)
            {
                AddNamed(next, range, name);
                inserted = true;
            }

            if (s.Last > range.Last)
            {
                next.Add(s with { First = range.Last + 1 });
            }
        }

        if (!inserted)
        {
            AddNamed(next, range, name);
        }

        _segments = next;
    }

    private static void AddNamed(List<Segment> segments, AddressRange range, string? name)
    {
        if (name is not null)
        {
            segments.Add(new Segment(range.First, range.Last, name));
        }
    }

    private readonly record struct Segment(UInt128 First, UInt128 Last, string Name);
}
