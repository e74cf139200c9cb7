using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// Reads the per-element counters of the allow-sets and the denied sets, at most once per interval (scrapes in
/// between get the cached reading). Which kernel elements make up one destination is the enforcer's knowledge
/// (<see cref="ElementCompiler.Group(NftSet, IReadOnlyList{NftSetElement})"/>); counters of several destinations with
/// the same label (an address with several port ranges) are summed.
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
        var totals = new Dictionary<(string Ip, string Type), DestinationCounter>();
        var denied = new List<DeniedCounter>();
        var inbound = new List<DeniedCounter>();
        foreach (var f in TableLayout.Families)
        {
            foreach (var (o, i) in f.AllowPairs)
            {
                Accumulate(totals, o, "OUTPUT");
                Accumulate(totals, i, "INPUT");
            }

            ReadRecords(f.Denied, f.AddressLength, denied);
            ReadRecords(f.Inbound, f.AddressLength, inbound);
        }

        return new CounterSnapshot([.. totals.Values], Busiest(denied), denied.Count, Busiest(inbound), inbound.Count);
    }

    /// <inheritdoc />
    public void Dispose() => _nft.Dispose();

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

    /// <summary>
    /// Adds the counters of <paramref name="set"/>'s entries, each one destination as the enforcer compiled it (an
    /// address, an interval, an address range with ports), under its label.
    /// </summary>
    private void Accumulate(Dictionary<(string, string), DestinationCounter> totals, NftSet set, string type)
    {
        var family = FamilyLayout.Of(set).Family;
        foreach (var entry in ElementCompiler.Group(set, _nft.ListElements(set)).Values)
        {
            var (first, last) = ElementCompiler.AddressRange(set, entry);
            var counted = DestinationCounter.Of(family, first, last, type, entry[0].Bytes ?? 0, entry[0].Packets ?? 0);
            totals[(counted.Ip, type)] = totals.TryGetValue((counted.Ip, type), out var sum)
                ? sum with { Bytes = sum.Bytes + counted.Bytes, Packets = sum.Packets + counted.Packets }
                : counted;
        }
    }
}
