namespace OutputGuard.Netlink.Nftables;

/// <summary>
/// One set element as a dump message holds it, read in place: its key (and closing key) are spans into the receive
/// buffer, valid only while the <see cref="NftSetElementVisitor"/> that gets it runs; the counter is decoded into
/// numbers. Nothing is allocated per element (<see cref="ToElement"/> makes the <see cref="NftSetElement"/> record
/// when one is wanted).
/// </summary>
public readonly ref struct NftSetElementView
{
    internal NftSetElementView(ReadOnlySpan<byte> key, ReadOnlySpan<byte> keyEnd, bool hasKeyEnd, uint flags, TimeSpan? timeout, TimeSpan? expires, bool hasCounter, ulong packets, ulong bytes)
    {
        Key = key;
        KeyEnd = keyEnd;
        HasKeyEnd = hasKeyEnd;
        IsIntervalEnd = (flags & NftConstants.NFT_SET_ELEM_INTERVAL_END) != 0;
        Timeout = timeout;
        Expires = expires;
        HasCounter = hasCounter;
        Packets = packets;
        Bytes = bytes;
    }

    /// <summary>The key bytes as the kernel holds them (valid during the visit only).</summary>
    public ReadOnlySpan<byte> Key { get; }

    /// <summary>NFTA_SET_ELEM_KEY_END, empty when <see cref="HasKeyEnd"/> is false (valid during the visit only).</summary>
    public ReadOnlySpan<byte> KeyEnd { get; }

    /// <summary>Whether the element has a closing key (a range in a concatenated interval set).</summary>
    public bool HasKeyEnd { get; }

    /// <summary>Whether this element only closes the interval before it (NFT_SET_ELEM_INTERVAL_END).</summary>
    public bool IsIntervalEnd { get; }

    /// <summary>The element's own timeout.</summary>
    public TimeSpan? Timeout { get; }

    /// <summary>Time left before the element expires.</summary>
    public TimeSpan? Expires { get; }

    /// <summary>Whether the element carries a counter (the set has counters).</summary>
    public bool HasCounter { get; }

    /// <summary>Packets counted (0 without a counter).</summary>
    public ulong Packets { get; }

    /// <summary>Bytes counted (0 without a counter).</summary>
    public ulong Bytes { get; }

    /// <summary>The element as the record <see cref="NftConnection.ListElements(NftSet)"/> returns (copies the keys).</summary>
    public NftSetElement ToElement() => new()
    {
        Key = Key.ToArray(),
        KeyEnd = HasKeyEnd ? KeyEnd.ToArray() : null,
        IsIntervalEnd = IsIntervalEnd,
        Timeout = Timeout,
        Expires = Expires,
        Packets = HasCounter ? Packets : null,
        Bytes = HasCounter ? Bytes : null,
    };
}

/// <summary>Gets each element of a set dump in turn (<see cref="NftConnection.ReadElements"/>).</summary>
public delegate void NftSetElementVisitor(NftSetElementView element);
