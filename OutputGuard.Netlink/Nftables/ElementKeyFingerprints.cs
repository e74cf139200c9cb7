using System.Runtime.InteropServices;

namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// One 64-bit number per element key of a dump, to tell whether the dump held a key twice (a torn dump, see
/// <see cref="NftConnection.ListElements(NftFamily, string, string)"/>) without keeping the keys: short keys (an
/// IPv4 address, up to 6 bytes) are packed exactly, longer ones hashed (FNV-1a). A hash collision can only make a
/// dump look torn and be taken again, never let a torn one through unseen. 8 bytes per element, sorted once.
/// </summary>
internal sealed class ElementKeyFingerprints
{
    private const ulong Hashed = 1UL << 63;
    private readonly List<ulong> _prints = [];

    /// <summary>Notes one element's key and whether it closes an interval.</summary>
    public void Add(ReadOnlySpan<byte> key, bool intervalEnd)
    {
        ulong print;
        if (key.Length <= 6)
        {
            print = 0;
            foreach (var b in key)
            {
                print = (print << 8) | b;
            }

            print |= ((ulong)key.Length << 48) | (intervalEnd ? 1UL << 56 : 0);
        }
        else
        {
            print = 14695981039346656037UL;
            foreach (var b in key)
            {
                print = (print ^ b) * 1099511628211UL;
            }

            print = ((print ^ (ulong)key.Length ^ (intervalEnd ? 0x9E3779B97F4A7C15UL : 0)) * 1099511628211UL) | Hashed;
        }

        _prints.Add(print);
    }

    /// <summary>Forgets every key (the dump is taken again).</summary>
    public void Clear() => _prints.Clear();

    /// <summary>Whether some key came twice.</summary>
    public bool HasDuplicates()
    {
        var prints = CollectionsMarshal.AsSpan(_prints);
        prints.Sort();
        for (var i = 1; i < prints.Length; i++)
        {
            if (prints[i] == prints[i - 1])
            {
                return true;
            }
        }

        return false;
    }
}
