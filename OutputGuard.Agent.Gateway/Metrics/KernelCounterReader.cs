using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// Reads the per-element counters of the allow-sets and the denied sets, at most once per interval (scrapes in
/// between get the cached reading). Counters of several elements with the same label (an address with several
/// port ranges) are summed.
/// </summary>
public sealed class KernelCounterReader : IDisposable
{
    private readonly NftConnection _nft;
    private readonly TimeSpan _interval;
    private readonly int _deniedLimit;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private CounterSnapshot _last = CounterSnapshot.Empty;
    private long _readAt;

    /// <summary>Creates a reader on its own connection.</summary>
    public KernelCounterReader(NftConnection nft, TimeSpan interval, int deniedLimit, ILogger logger)
    {
        _nft = nft ?? throw new ArgumentNullException(nameof(nft));
        _interval = interval;
        _deniedLimit = deniedLimit;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The counters, read from the kernel when the cached reading is older than the interval.</summary>
    public CounterSnapshot Read()
    {
        lock (_gate)
        {
            if (_readAt != 0 && Stopwatch.GetElapsedTime(_readAt) < _interval)
            {
                return _last;
            }

            try
            {
                _last = ReadKernel();
                _readAt = Stopwatch.GetTimestamp();
            }
            catch (Exception ex) when (ex is Netlink.Sockets.NetlinkException or Netlink.Sockets.NetlinkFormatException)
            {
                Log.CountersFailed(_logger, ex.Message);
            }

            return _last;
        }
    }

    /// <summary>Reads every counter now.</summary>
    public CounterSnapshot ReadKernel()
    {
        var totals = new Dictionary<(string Ip, string Type), (ulong Bytes, ulong Packets)>();
        var denied = new List<DeniedCounter>();
        var inbound = new List<DeniedCounter>();
        foreach (var f in TableLayout.Families)
        {
            foreach (var (o, i) in f.AllowPairs)
            {
                Accumulate(totals, o, "OUTPUT", f.Family);
                Accumulate(totals, i, "INPUT", f.Family);
            }

            ReadRecords(f.Denied, f.AddressLength, denied);
            ReadRecords(f.Inbound, f.AddressLength, inbound);
        }

        var allowed = totals.Select(t => new DestinationCounter(t.Key.Ip, t.Key.Type, t.Value.Bytes, t.Value.Packets)).ToList();
        return new CounterSnapshot(allowed, Busiest(denied), denied.Count, Busiest(inbound), inbound.Count);
    }

    /// <inheritdoc />
    public void Dispose() => _nft.Dispose();

    /// <summary>The label of an address range: the address for a host, the CIDR when it is one, else FIRST-LAST.</summary>
    public static string Label(AddressFamily family, UInt128 first, UInt128 last)
    {
        var prefixes = PrefixMath.FromRange(family, first, last);
        if (prefixes.Count == 1)
        {
            return prefixes[0].IsHost ? prefixes[0].Address.ToString() : prefixes[0].ToString();
        }

        return $"{IpPrefix.ToAddress(family, first)}-{IpPrefix.ToAddress(family, last)}";
    }

    /// <summary>The key of a recording set: the address, the protocol and the port (<c>addr . inet_proto . inet_service</c>).</summary>
    internal static (IPAddress Address, byte Protocol, ushort Port) RecordKey(byte[] key, int addressLength)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < addressLength + 8)
        {
            return (new IPAddress(key.AsSpan(0, Math.Min(key.Length, addressLength))), 0, 0);
        }

        return (new IPAddress(key.AsSpan(0, addressLength)), key[addressLength], System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(key.AsSpan(addressLength + 4)));
    }

    private List<DeniedCounter> Busiest(List<DeniedCounter> all) =>
        [.. all.OrderByDescending(d => d.Packets).ThenBy(d => d.Ip, StringComparer.Ordinal).ThenBy(d => d.Protocol).ThenBy(d => d.Port).Take(_deniedLimit)];

    private void ReadRecords(NftSet set, int addressLength, List<DeniedCounter> sink)
    {
        foreach (var e in _nft.ListElements(set))
        {
            var (address, protocol, port) = RecordKey(e.Key, addressLength);
            sink.Add(new DeniedCounter(address.ToString(), protocol, port, e.Bytes ?? 0, e.Packets ?? 0));
        }
    }

    private void Accumulate(Dictionary<(string, string), (ulong, ulong)> totals, NftSet set, string type, AddressFamily family)
    {
        var elements = _nft.ListElements(set);
        var addressLength = family == AddressFamily.InterNetwork ? 4 : 16;
        if (set.KeyType.IsConcat)
        {
            foreach (var e in elements)
            {
                var first = ElementCompiler.Number(e.Key.AsSpan(0, addressLength));
                var last = ElementCompiler.Number((e.KeyEnd ?? e.Key).AsSpan(0, addressLength));
                Add(totals, Label(family, first, last), type, e);
            }
        }
        else if (set.Flags.HasFlag(NftSetFlags.Interval))
        {
            var sorted = elements.OrderBy(e => ElementCompiler.Number(e.Key)).ThenBy(e => e.IsIntervalEnd ? 0 : 1).ToList();
            var max = family == AddressFamily.InterNetwork ? uint.MaxValue : UInt128.MaxValue;
            for (var k = 0; k < sorted.Count; k++)
            {
                if (sorted[k].IsIntervalEnd)
                {
                    continue;
                }

                var first = ElementCompiler.Number(sorted[k].Key);
                var last = k + 1 < sorted.Count && sorted[k + 1].IsIntervalEnd ? ElementCompiler.Number(sorted[k + 1].Key) - 1 : max;
                Add(totals, Label(family, first, last), type, sorted[k]);
            }
        }
        else
        {
            foreach (var e in elements)
            {
                Add(totals, new IPAddress(e.Key).ToString(), type, e);
            }
        }
    }

    private static void Add(Dictionary<(string, string), (ulong, ulong)> totals, string ip, string type, NftSetElement e)
    {
        totals.TryGetValue((ip, type), out var t);
        totals[(ip, type)] = (t.Item1 + (e.Bytes ?? 0), t.Item2 + (e.Packets ?? 0));
    }
}
