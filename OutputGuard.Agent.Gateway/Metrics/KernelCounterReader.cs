using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Logging;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// Reads the per-element counters of the allow-sets (published and learned) and the recording sets, and keeps the
/// latest reading: <see cref="Read"/> never touches the kernel, so a scrape or a report never waits for a dump
/// (<see cref="CounterReadLoop"/> refreshes it on its schedule). Which kernel elements make up one destination is the
/// enforcer's knowledge (<see cref="ElementCompiler.Group(NftSet, IReadOnlyList{NftSetElement})"/>); counters of
/// several elements with the same label (an address with several port ranges, an address both published and learned)
/// are summed.
/// </summary>
public sealed class KernelCounterReader : IDisposable
{
    private readonly NftConnection _nft;
    private readonly int _deniedLimit;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    /// <summary>The direction of each rule that accepts hosts' packets uncounted, by its comment.</summary>
    private static readonly Dictionary<string, string> UncountedRules = TableLayout.Families
        .SelectMany(f => BusiestSeries.Types.Select(type => (Comment: TableLayout.UncountedComment(f, type), Type: type)))
        .ToDictionary(c => c.Comment, c => c.Type, StringComparer.Ordinal);

    private (ulong Bytes, ulong Packets) _uncountedLogged;
    private long _uncountedLoggedAt;
    private CounterSnapshot _last = CounterSnapshot.Empty;
    private long _failures;
    private int _hosts4;
    private int _hosts6;

    /// <summary>Creates a reader on its own connection.</summary>
    public KernelCounterReader(NftConnection nft, int deniedLimit, ILogger logger)
    {
        _nft = nft ?? throw new ArgumentNullException(nameof(nft));
        _deniedLimit = deniedLimit;
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>
    /// The enforcer whose quiet hosts (allowed, no packet yet, so no seen-set element) a reading shows at zero while
    /// fewer than <see cref="QuietHostLimit"/> destinations were counted: a host's series then exists from the moment
    /// it is allowed, as with a counter per allowed host, so that <c>increase()</c> sees its first bytes. Null: none.
    /// </summary>
    public AllowListEnforcer? Enforcer { get; init; }

    /// <summary>How many destinations a reading fills up to with quiet hosts (the exported series' bound).</summary>
    public int QuietHostLimit { get; init; }

    /// <summary>
    /// The <c>ip</c> label of allowed hosts' traffic that passed without a seen-set element to count it (the kernel
    /// could not make one), summed per direction from the counters of the rules that accepted it.
    /// </summary>
    public const string UncountedLabel = "uncounted";

    /// <summary>Raised with every reading just before it is published, so that no scrape sees it yet (on the reading thread).</summary>
    public event Action<CounterSnapshot>? Publishing;

    /// <summary>Raised after every published reading (on the reading thread).</summary>
    public event Action<CounterSnapshot>? Published;

    /// <summary>Reads that failed (the previous reading stayed in force).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The latest reading (<see cref="CounterSnapshot.Empty"/> until the first); never reads the kernel.</summary>
    public CounterSnapshot Read() => Volatile.Read(ref _last);

    /// <summary>
    /// Reads the kernel now and publishes the reading, with the series <paramref name="series"/> chooses for it;
    /// returns it, or the previous one when the kernel read failed (logged, counted).
    /// </summary>
    public CounterSnapshot Refresh(Func<CounterSnapshot, ExportedSeries>? series = null)
    {
        lock (_gate)
        {
            CounterSnapshot read;
            try
            {
                read = ReadKernel();
            }
            catch (Exception ex) when (ex is Netlink.Sockets.NetlinkException or Netlink.Sockets.NetlinkFormatException)
            {
                Interlocked.Increment(ref _failures);
                Log.CountersFailed(_logger, ex.Message);
                return Read();
            }

            if (series is not null)
            {
                read = read with { Series = series(read) };
            }

            Publishing?.Invoke(read);
            Volatile.Write(ref _last, read);
            Published?.Invoke(read);
            return read;
        }
    }

    /// <summary>
    /// Reads every counter now: the hash sets first (a dump of theirs is several times cheaper), then the interval and
    /// learned sets. The hosts' counters are kept as numbers (<see cref="AllowedCounters"/>), each hash set streamed
    /// from the dump into them without a record per element.
    /// </summary>
    public CounterSnapshot ReadKernel()
    {
        var started = Stopwatch.GetTimestamp();
        // Room for as many hosts as the previous reading had, and a little more: no growth at a steady million.
        var hosts = new Hosts(new(_hosts4 + (_hosts4 / 16)), new(_hosts6 + (_hosts6 / 16)));
        var totals = new Dictionary<(string Ip, string Type), DestinationCounter>();
        var denied = new List<DeniedCounter>();
        var inbound = new List<DeniedCounter>();
        long elements = 0;
        foreach (var f in TableLayout.Families)
        {
            foreach (var (o, i) in CountedPairs(f))
            {
                elements += Accumulate(hosts, totals, o, input: false);
                elements += Accumulate(hosts, totals, i, input: true);
            }

            elements += ReadRecords(f.Denied, f.AddressLength, denied);
            elements += ReadRecords(f.Inbound, f.AddressLength, inbound);
        }

        ReadUncounted(totals);
        AddQuietHosts(hosts, totals);
        var (v4, v6) = (hosts.V4.ToArray(), hosts.V6.ToArray());
        (_hosts4, _hosts6) = (v4.Length, v6.Length);
        var allowed = new AllowedCounters(v4, v6, [.. totals.Values]);

        return new CounterSnapshot(allowed, Busiest(denied), denied.Count, Busiest(inbound), inbound.Count)
        {
            ReadAt = Stopwatch.GetTimestamp(),
            ReadSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds,
            Elements = elements,
        };
    }

    /// <inheritdoc />
    public void Dispose() => _nft.Dispose();

    /// <summary>The key of a recording set: the address, the protocol and the port (<c>addr . inet_proto . inet_service</c>).</summary>
    internal static (IPAddress Address, byte Protocol, ushort Port) RecordKey(ReadOnlySpan<byte> key, int addressLength)
    {
        if (key.Length < addressLength + 8)
        {
            return (new IPAddress(key[..Math.Min(key.Length, addressLength)]), 0, 0);
        }

        return (new IPAddress(key[..addressLength]), key[addressLength], BinaryPrimitives.ReadUInt16BigEndian(key[(addressLength + 4)..]));
    }

    /// <summary>Every (outbound, reply) pair of counted sets: the hosts' seen sets (hash) first, then CIDRs, ports and the learned sets.</summary>
    private static IEnumerable<(NftSet Out, NftSet In)> CountedPairs(FamilyLayout f) =>
        [.. f.CountedPairs, (f.Learned, f.LearnedIn), (f.LearnedPorts, f.LearnedPortsIn), (f.LearnedRanges, f.LearnedRangesIn)];

    /// <summary>Adds the counters of the rules that accept hosts' packets uncounted, under <see cref="UncountedLabel"/>, and warns when they grew.</summary>
    private void ReadUncounted(Dictionary<(string Ip, string Type), DestinationCounter> totals)
    {
        (ulong Bytes, ulong Packets) all = default;
        foreach (var rule in _nft.ListRules(NftFamily.Inet, TableLayout.TableName, TableLayout.ForwardChain))
        {
            if (rule.Comment is { } comment && UncountedRules.TryGetValue(comment, out var type)
                && rule.Expressions.OfType<Netlink.Nftables.Expressions.NftCounter>().FirstOrDefault() is { } counter
                && (counter.Bytes > 0 || counter.Packets > 0))
            {
                Add(totals, new DestinationCounter(UncountedLabel, null, type, counter.Bytes, counter.Packets));
                all = (all.Bytes + counter.Bytes, all.Packets + counter.Packets);
            }
        }

        // Warn when it grew, at most once a minute (a restarted rule starts again from zero).
        if (all.Bytes != _uncountedLogged.Bytes && (_uncountedLoggedAt == 0 || Stopwatch.GetElapsedTime(_uncountedLoggedAt) >= TimeSpan.FromMinutes(1)))
        {
            if (all.Bytes > _uncountedLogged.Bytes)
            {
                Log.TrafficUncounted(_logger, all.Bytes, all.Packets);
                _uncountedLoggedAt = Stopwatch.GetTimestamp();
            }

            _uncountedLogged = all;
        }
    }

    /// <summary>Adds zero counters for quiet hosts, up to <see cref="QuietHostLimit"/> destinations in all.</summary>
    private void AddQuietHosts(Hosts hosts, Dictionary<(string Ip, string Type), DestinationCounter> totals)
    {
        if (Enforcer is null)
        {
            return;
        }

        // The labels counted, up to the bound: past it there is no room, whatever the count (a million with traffic).
        hosts.V4.Seal();
        hosts.V6.Seal();
        var labels = (long)hosts.V4.Count + hosts.V6.Count;
        if (labels >= QuietHostLimit || (labels += totals.Keys.Select(k => k.Ip).Distinct(StringComparer.Ordinal).Count()) >= QuietHostLimit)
        {
            return;
        }

        foreach (var f in TableLayout.Families)
        {
            var room = QuietHostLimit - labels;
            if (room <= 0)
            {
                return;
            }

            var v4 = f.AddressLength == 4;
            var counted = v4 ? hosts.V4.Addresses().Select(a => (UInt128)a).ToHashSet() : hosts.V6.Addresses().ToHashSet();
            foreach (var address in Enforcer.QuietHosts(f, counted, (int)room))
            {
                if (v4)
                {
                    hosts.V4.AddQuiet((uint)address);
                }
                else
                {
                    hosts.V6.AddQuiet(address);
                }

                labels++;
            }

            hosts.V4.Seal();
            hosts.V6.Seal();
        }
    }

    private List<DeniedCounter> Busiest(List<DeniedCounter> all) =>
        [.. all.OrderByDescending(d => d.Packets).ThenBy(d => d.Ip, StringComparer.Ordinal).ThenBy(d => d.Protocol).ThenBy(d => d.Port).Take(_deniedLimit)];

    private long ReadRecords(NftSet set, int addressLength, List<DeniedCounter> sink)
    {
        var start = sink.Count;
        return _nft.ReadElements(
            set,
            e =>
            {
                var (address, protocol, port) = RecordKey(e.Key, addressLength);
                sink.Add(new DeniedCounter(address.ToString(), protocol, port, e.Bytes, e.Packets));
            },
            () => sink.RemoveRange(start, sink.Count - start));
    }

    /// <summary>
    /// Adds the counters of <paramref name="set"/>'s entries, each one destination as the enforcer compiled it (an
    /// address, an interval, an address range with ports), under its label; returns the kernel elements read.
    /// </summary>
    private long Accumulate(Hosts hosts, Dictionary<(string, string), DestinationCounter> totals, NftSet set, bool input)
    {
        var layout = FamilyLayout.Of(set);
        var family = layout.Family;
        if (!set.Flags.HasFlag(NftSetFlags.Interval) && !set.KeyType.IsConcat)
        {
            // A hash set: every element is one address, streamed from the dump into the hosts' numbers (the path of a
            // million hosts: no record, no string per element).
            if (layout.AddressLength == 4)
            {
                var v4 = hosts.V4;
                v4.BeginSet(input);
                var n4 = _nft.ReadElements(set, e => v4.AddElement(BinaryPrimitives.ReadUInt32BigEndian(e.Key), e.Bytes, e.Packets), v4.Restart);
                v4.EndSet();
                return n4;
            }

            var v6 = hosts.V6;
            v6.BeginSet(input);
            var n6 = _nft.ReadElements(set, e => v6.AddElement(BinaryPrimitives.ReadUInt128BigEndian(e.Key[..16]), e.Bytes, e.Packets), v6.Restart);
            v6.EndSet();
            return n6;
        }

        var read = _nft.ListElements(set);
        var type = input ? "INPUT" : "OUTPUT";
        foreach (var entry in ElementCompiler.Group(set, read).Values)
        {
            var (first, last) = ElementCompiler.AddressRange(set, entry);
            var counted = DestinationCounter.Of(family, first, last, type, entry[0].Bytes ?? 0, entry[0].Packets ?? 0);
            if (counted.Prefix is { IsHost: true } host)
            {
                hosts.Add(host, input, counted.Bytes, counted.Packets);
            }
            else
            {
                Add(totals, counted);
            }
        }

        return read.Count;
    }

    private static void Add(Dictionary<(string, string), DestinationCounter> totals, DestinationCounter counted)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(totals, (counted.Ip, counted.Type), out var exists);
        slot = exists ? slot with { Bytes = slot.Bytes + counted.Bytes, Packets = slot.Packets + counted.Packets } : counted;
    }

    /// <summary>The hosts' counters of a reading being taken, per family.</summary>
    private sealed record Hosts(HostCounterTable<uint> V4, HostCounterTable<UInt128> V6)
    {
        public void Add(IpPrefix host, bool input, ulong bytes, ulong packets)
        {
            if (host.IsIPv4)
            {
                V4.Add((uint)host.First, input, bytes, packets);
            }
            else
            {
                V6.Add(host.First, input, bytes, packets);
            }
        }
    }
}
