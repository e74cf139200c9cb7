using System.Diagnostics.CodeAnalysis;

namespace OutputGuard.Addressing;

/// <summary>
/// Sorted, disjoint named ranges of one family, searched by binary search on their first and
/// last addresses: O(log n) per lookup, no allocation.
/// </summary>
internal sealed class RangeIndex
{
    private readonly UInt128[] _firsts;
    private readonly UInt128[] _lasts;
    private readonly NamedRange[] _ranges;

    public RangeIndex(IEnumerable<NamedRange> sortedDisjoint)
    {
        _ranges = [.. sortedDisjoint];
        _firsts = [.. _ranges.Select(r => r.Prefix.First)];
        _lasts = [.. _ranges.Select(r => r.Prefix.Last)];
    }

    public IReadOnlyList<NamedRange> Ranges => _ranges;

    /// <summary>The range holding the numbered address, if any.</summary>
    public bool TryFind(UInt128 number, [MaybeNullWhen(false)] out NamedRange range)
    {
        var i = _firsts.AsSpan().BinarySearch(number);
        if (i < 0)
        {
            i = ~i - 1;
        }

        if (i >= 0 && number <= _lasts[i])
        {
            range = _ranges[i];
            return true;
        }

        range = null;
        return false;
    }

    /// <summary>The lowest range sharing an address with <c>first..last</c>, if any.</summary>
    public bool TryFindOverlap(UInt128 first, UInt128 last, [MaybeNullWhen(false)] out NamedRange range)
    {
        var i = _lasts.AsSpan().BinarySearch(first);
        if (i < 0)
        {
            i = ~i;
        }

        if (i < _ranges.Length && _firsts[i] <= last)
        {
            range = _ranges[i];
            return true;
        }

        range = null;
        return false;
    }
}
