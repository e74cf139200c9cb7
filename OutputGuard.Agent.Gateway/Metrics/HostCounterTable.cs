using System.Numerics;
using System.Runtime.InteropServices;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>One host's counters in a <see cref="HostCounterTable{T}"/> (40 bytes for an IPv4 address).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct HostSlot<T>
    where T : unmanaged, IBinaryInteger<T>
{
    public const byte Output = 1;
    public const byte Input = 2;

    public T Address;
    public byte Directions;
    public ulong OutputBytes;
    public ulong OutputPackets;
    public ulong InputBytes;
    public ulong InputPackets;

    public void Add(bool input, ulong bytes, ulong packets)
    {
        if (input)
        {
            InputBytes += bytes;
            InputPackets += packets;
            Directions |= Input;
        }
        else
        {
            OutputBytes += bytes;
            OutputPackets += packets;
            Directions |= Output;
        }
    }
}

/// <summary>
/// The hosts' counters of one family while a reading is taken: slots sorted by address (a binary search finds a host
/// again: the reply direction, an address also learned or with ports), plus the elements of the set being dumped,
/// kept apart until its dump completes so that a dump taken again (<see cref="Restart"/>) forgets its torn attempt.
/// No dictionary, no object per host: 40 bytes per IPv4 host, and 24 per element of the set being read.
/// </summary>
internal sealed class HostCounterTable<T>
    where T : unmanaged, IBinaryInteger<T>
{
    private readonly List<(T Address, ulong Bytes, ulong Packets)> _set = [];
    private HostSlot<T>[] _slots;
    private int _count;
    private int _sorted;
    private bool _setIsInput;

    /// <summary>Room for <paramref name="capacity"/> hosts at first (the previous reading's count).</summary>
    public HostCounterTable(int capacity) => _slots = new HostSlot<T>[Math.Max(capacity, 16)];

    /// <summary>Hosts so far (after <see cref="Seal"/>, each once).</summary>
    public int Count => _count;

    /// <summary>Starts the dump of one set of one direction.</summary>
    public void BeginSet(bool input)
    {
        _set.Clear();
        _setIsInput = input;
    }

    /// <summary>One element of the set being dumped.</summary>
    public void AddElement(T address, ulong bytes, ulong packets) => _set.Add((address, bytes, packets));

    /// <summary>The dump is taken again: its elements so far are forgotten.</summary>
    public void Restart() => _set.Clear();

    /// <summary>The set's dump completed: its elements count.</summary>
    public void EndSet()
    {
        foreach (var (address, bytes, packets) in CollectionsMarshal.AsSpan(_set))
        {
            Add(address, _setIsInput, bytes, packets);
        }

        _set.Clear();
        _set.Capacity = 0;
        Seal();
    }

    /// <summary>Adds a counter of a host to its slot, or to a new one (found again after <see cref="Seal"/>).</summary>
    public void Add(T address, bool input, ulong bytes, ulong packets)
    {
        var at = Array.BinarySearch(_slots, 0, _sorted, new HostSlot<T> { Address = address }, SlotOrder.Instance);
        if (at >= 0)
        {
            _slots[at].Add(input, bytes, packets);
            return;
        }

        ref var slot = ref Append(address);
        slot.Add(input, bytes, packets);
    }

    /// <summary>A host with no counter read, at zero in both directions, unless it is there already.</summary>
    public void AddQuiet(T address)
    {
        if (Array.BinarySearch(_slots, 0, _sorted, new HostSlot<T> { Address = address }, SlotOrder.Instance) < 0)
        {
            Append(address).Directions = HostSlot<T>.Output | HostSlot<T>.Input;
        }
    }

    /// <summary>Whether the host has a slot (after <see cref="Seal"/>).</summary>
    public bool Contains(T address) =>
        Array.BinarySearch(_slots, 0, _sorted, new HostSlot<T> { Address = address }, SlotOrder.Instance) >= 0;

    /// <summary>The addresses so far (after <see cref="Seal"/>).</summary>
    public IEnumerable<T> Addresses()
    {
        for (var i = 0; i < _count; i++)
        {
            yield return _slots[i].Address;
        }
    }

    /// <summary>Sorts the slots added since the last seal in and sums a host's slots into one.</summary>
    public void Seal()
    {
        if (_sorted == _count)
        {
            return;
        }

        var slots = _slots.AsSpan(0, _count);
        slots.Sort(SlotOrder.Instance);
        var kept = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            if (kept > 0 && slots[kept - 1].Address == slots[i].Address)
            {
                ref var into = ref slots[kept - 1];
                into.OutputBytes += slots[i].OutputBytes;
                into.OutputPackets += slots[i].OutputPackets;
                into.InputBytes += slots[i].InputBytes;
                into.InputPackets += slots[i].InputPackets;
                into.Directions |= slots[i].Directions;
            }
            else
            {
                slots[kept++] = slots[i];
            }
        }

        _count = _sorted = kept;
    }

    /// <summary>The sealed slots, in an array of their size (the table is done with).</summary>
    public HostSlot<T>[] ToArray()
    {
        Seal();
        var slots = _slots;
        _slots = [];
        if (slots.Length != _count)
        {
            Array.Resize(ref slots, _count);
        }

        _count = _sorted = 0;
        return slots;
    }

    private ref HostSlot<T> Append(T address)
    {
        if (_count == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length + Math.Max(16, _slots.Length / 2));
        }

        ref var slot = ref _slots[_count++];
        slot = new HostSlot<T> { Address = address };
        return ref slot;
    }

    private sealed class SlotOrder : IComparer<HostSlot<T>>
    {
        public static readonly SlotOrder Instance = new();

        public int Compare(HostSlot<T> x, HostSlot<T> y) => x.Address.CompareTo(y.Address);
    }
}
