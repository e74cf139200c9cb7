using System.Collections;
using System.Net.Sockets;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// The allowed destinations' counters of one reading, compact: the hosts (seen sets, learned addresses, an address
/// with port ranges) as numbers sorted by address, 40 bytes per IPv4 host and no string, and the few other
/// destinations (CIDRs, ranges, <see cref="KernelCounterReader.UncountedLabel"/>) as <see cref="DestinationCounter"/>.
/// As a list it is every destination and direction, hosts first (<c>OUTPUT</c> then <c>INPUT</c>, as read), each
/// host's label made as it is enumerated; <see cref="HostCount"/>, <see cref="Host"/> and <see cref="Others"/> read
/// it without making any.
/// </summary>
public sealed class AllowedCounters : IReadOnlyList<DestinationCounter>
{
    private const string Output = "OUTPUT";
    private const string Input = "INPUT";
    private readonly HostSlot<uint>[] _v4;
    private readonly HostSlot<UInt128>[] _v6;
    private readonly DestinationCounter[] _others;
    private readonly bool _bothEverywhere;
    private int[]? _offsets;

    internal AllowedCounters(HostSlot<uint>[] v4, HostSlot<UInt128>[] v6, DestinationCounter[] others)
    {
        _v4 = v4;
        _v6 = v6;
        _others = others;
        var entries = 0;
        _bothEverywhere = true;
        foreach (var s in v4)
        {
            entries += Directions(s.Directions);
            _bothEverywhere &= s.Directions == 3;
        }

        foreach (var s in v6)
        {
            entries += Directions(s.Directions);
            _bothEverywhere &= s.Directions == 3;
        }

        Count = entries + others.Length;
        Destinations = HostCount + others.Select(o => o.Ip).Distinct(StringComparer.Ordinal).Count();
    }

    /// <summary>No counters.</summary>
    public static AllowedCounters Empty { get; } = new([], [], []);

    /// <summary>Destinations and directions: the list's length.</summary>
    public int Count { get; }

    /// <summary>Distinct destinations (<c>ip</c> labels) counted.</summary>
    public int Destinations { get; }

    /// <summary>Hosts counted (IPv4 first, each family by address).</summary>
    public int HostCount => _v4.Length + _v6.Length;

    /// <summary>The destinations that are no single host, summed per label and direction.</summary>
    public IReadOnlyList<DestinationCounter> Others => _others;

    /// <summary>The <paramref name="index"/>th host's counters (0 to <see cref="HostCount"/> − 1).</summary>
    public HostCounter Host(int index)
    {
        if ((uint)index < (uint)_v4.Length)
        {
            return Of(AddressFamily.InterNetwork, _v4[index].Address, _v4[index]);
        }

        var v6 = index - _v4.Length;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)v6, (uint)_v6.Length, nameof(index));
        return Of(AddressFamily.InterNetworkV6, _v6[v6].Address, _v6[v6]);
    }

    /// <summary>The counters of <paramref name="counters"/>, hosts kept as numbers (tests, and readings made elsewhere).</summary>
    public static AllowedCounters From(IEnumerable<DestinationCounter> counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        var v4 = new HostCounterTable<uint>(16);
        var v6 = new HostCounterTable<UInt128>(16);
        var others = new Dictionary<(string, string), DestinationCounter>();
        foreach (var c in counters)
        {
            if (c.Prefix is { IsHost: true } host && c.Ip == host.Address.ToString())
            {
                var input = c.Type == Input;
                if (host.IsIPv4)
                {
                    v4.Add((uint)host.First, input, c.Bytes, c.Packets);
                }
                else
                {
                    v6.Add(host.First, input, c.Bytes, c.Packets);
                }
            }
            else
            {
                ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(others, (c.Ip, c.Type), out var exists);
                slot = exists ? slot with { Bytes = slot.Bytes + c.Bytes, Packets = slot.Packets + c.Packets } : c;
            }
        }

        return new AllowedCounters(v4.ToArray(), v6.ToArray(), [.. others.Values]);
    }

    /// <inheritdoc />
    public DestinationCounter this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
            var hostEntries = Count - _others.Length;
            if (index >= hostEntries)
            {
                return _others[index - hostEntries];
            }

            int host, nth;
            if (_bothEverywhere)
            {
                (host, nth) = (index / 2, index % 2);
            }
            else
            {
                var offsets = _offsets ??= Offsets();
                host = Array.BinarySearch(offsets, index);
                host = host >= 0 ? host : ~host - 1; // every host has one entry or two: the offsets rise
                nth = index - offsets[host];
            }

            var h = Host(host);
            var label = h.Label();
            return nth == 0 && h.HasOutput ? Counter(h, label, input: false) : Counter(h, label, input: true);
        }
    }

    /// <inheritdoc />
    public IEnumerator<DestinationCounter> GetEnumerator()
    {
        for (var i = 0; i < HostCount; i++)
        {
            var h = Host(i);
            var label = h.Label();
            if (h.HasOutput)
            {
                yield return Counter(h, label, input: false);
            }

            if (h.HasInput)
            {
                yield return Counter(h, label, input: true);
            }
        }

        foreach (var o in _others)
        {
            yield return o;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static int Directions(byte d) => (d & 1) + ((d >> 1) & 1);

    private static HostCounter Of<T>(AddressFamily family, T address, in HostSlot<T> s)
        where T : unmanaged, System.Numerics.IBinaryInteger<T> =>
        new(family, UInt128.CreateTruncating(address), s.OutputBytes, s.OutputPackets, s.InputBytes, s.InputPackets,
            (s.Directions & HostSlot<T>.Output) != 0, (s.Directions & HostSlot<T>.Input) != 0);

    private static DestinationCounter Counter(HostCounter h, string label, bool input) => input
        ? new DestinationCounter(label, h.Prefix, Input, h.InputBytes, h.InputPackets)
        : new DestinationCounter(label, h.Prefix, Output, h.OutputBytes, h.OutputPackets);

    /// <summary>Where each host's entries start in the list (hosts with one direction only make it uneven).</summary>
    private int[] Offsets()
    {
        var offsets = new int[HostCount];
        var at = 0;
        for (var i = 0; i < offsets.Length; i++)
        {
            offsets[i] = at;
            var h = Host(i);
            at += (h.HasOutput ? 1 : 0) + (h.HasInput ? 1 : 0);
        }

        return offsets;
    }
}
