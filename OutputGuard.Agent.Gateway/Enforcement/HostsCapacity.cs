using System.Numerics;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// The size a hosts set is made with. The kernel takes a set's size as a hint and as a cap: it sizes the hash table
/// for that many elements up front (a million keys then load without the table growing under the batch: a third of
/// the kernel's time, where an unsized set spends most of its time in the slow insert path while it resizes), and
/// refuses elements beyond it. So a hosts set is made with room for twice its hosts or more, and made anew, in the
/// batch that would outgrow it, with room for the new count.
/// </summary>
public static class HostsCapacity
{
    /// <summary>The smallest size a hosts set is made with (its bucket table is about half a megabyte).</summary>
    public const uint DefaultMinimum = 1 << 16;

    /// <summary>The most hosts of one family a gateway applies: a seen set holds as many (<see cref="FamilyLayout.SeenSize"/>).</summary>
    public const uint DefaultMaximum = FamilyLayout.SeenSize;

    /// <summary>
    /// The size for <paramref name="hosts"/> hosts (at most <paramref name="maximum"/>): twice the power of two at or
    /// above it, room for the list to double before the set is made anew; at least <paramref name="minimum"/>, and
    /// above <paramref name="maximum"/> only when the minimum is.
    /// </summary>
    public static uint For(long hosts, uint minimum, uint maximum)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hosts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hosts, maximum);
        var room = BitOperations.RoundUpToPowerOf2((ulong)Math.Max(hosts, 1)) * 2;
        return (uint)Math.Max(minimum, Math.Min(room, maximum));
    }
}
