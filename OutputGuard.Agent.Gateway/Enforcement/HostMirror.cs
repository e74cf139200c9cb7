using System.Buffers;
using System.Buffers.Binary;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Enforcement;

/// <summary>
/// What the enforcer applied to the hash allow-set of one family (the hosts set): the addresses as numbers, with no
/// object or string per address (a million IPv4 hosts are about 36 MB here, where keyed element records took over
/// 200 MB), and their keys in network order for a batch.
/// </summary>
internal sealed class HostMirror
{
    private readonly HashSet<UInt128> _addresses = [];

    internal HostMirror(FamilyLayout family)
    {
        Layout = family;
        KeyLength = family.AddressLength;
    }

    /// <summary>The family whose hosts sets this mirrors.</summary>
    internal FamilyLayout Layout { get; }

    /// <summary>4 or 16: the bytes of one key.</summary>
    internal int KeyLength { get; }

    /// <summary>How many addresses the sets hold.</summary>
    internal int Count => _addresses.Count;

    /// <summary>Every address, as a number.</summary>
    internal IEnumerable<UInt128> Addresses => _addresses;

    internal bool Contains(UInt128 address) => _addresses.Contains(address);

    /// <summary>Replaces the contents with the keys of elements read from the kernel.</summary>
    internal void Reset(IReadOnlyList<NftSetElement> kernel)
    {
        _addresses.Clear();
        _addresses.EnsureCapacity(kernel.Count);
        foreach (var e in kernel)
        {
            _addresses.Add(ElementCompiler.Number(e.Key));
        }
    }

    /// <summary>Applies a committed change: the keys of <paramref name="removed"/> go, those of <paramref name="added"/> come.</summary>
    internal void Apply(ReadOnlySpan<byte> removed, ReadOnlySpan<byte> added)
    {
        for (var at = 0; at < removed.Length; at += KeyLength)
        {
            _addresses.Remove(ElementCompiler.Number(removed.Slice(at, KeyLength)));
        }

        // Sized up front for a load; a delta lets the set grow as it does (sizing it exactly to every delta would
        // allocate a new table each time).
        if (added.Length / KeyLength > _addresses.Count)
        {
            _addresses.EnsureCapacity(_addresses.Count + (added.Length / KeyLength));
        }

        for (var at = 0; at < added.Length; at += KeyLength)
        {
            _addresses.Add(ElementCompiler.Number(added.Slice(at, KeyLength)));
        }
    }

    /// <summary>
    /// The keys the hosts set holds once <paramref name="removed"/> went and <paramref name="added"/> came (what a set
    /// made anew in the batch of that change is filled with).
    /// </summary>
    internal KeyWriter After(ReadOnlySpan<byte> removed, ReadOnlySpan<byte> added)
    {
        var gone = new HashSet<UInt128>(removed.Length / KeyLength);
        for (var at = 0; at < removed.Length; at += KeyLength)
        {
            gone.Add(ElementCompiler.Number(removed.Slice(at, KeyLength)));
        }

        var keys = Writer();
        foreach (var address in _addresses)
        {
            if (!gone.Contains(address))
            {
                keys.Write(address);
            }
        }

        keys.Append(added);
        return keys;
    }

    /// <summary>A buffer for the keys of this family, back to back in network order (what <see cref="NftBatch.AddKeys"/> takes).</summary>
    internal KeyWriter Writer() => new(KeyLength);

    /// <summary>Addresses as keys, back to back in network order.</summary>
    internal sealed class KeyWriter(int keyLength)
    {
        private readonly ArrayBufferWriter<byte> _keys = new();

        internal int Count => _keys.WrittenCount / keyLength;

        internal ReadOnlySpan<byte> Keys => _keys.WrittenSpan;

        internal void Append(ReadOnlySpan<byte> keys)
        {
            keys.CopyTo(_keys.GetSpan(keys.Length));
            _keys.Advance(keys.Length);
        }

        internal void Write(UInt128 address)
        {
            var span = _keys.GetSpan(keyLength);
            if (keyLength == 4)
            {
                BinaryPrimitives.WriteUInt32BigEndian(span, (uint)address);
            }
            else
            {
                BinaryPrimitives.WriteUInt128BigEndian(span, address);
            }

            _keys.Advance(keyLength);
        }
    }

    /// <summary>Whether <paramref name="set"/> is the hosts set of either family.</summary>
    internal static bool IsHosts(NftSet set) => TableLayout.Families.Any(f => f.Hosts.Name == set.Name);
}
