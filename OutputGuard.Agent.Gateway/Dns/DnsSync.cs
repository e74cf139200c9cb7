using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Logging;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// What the sync stream carries for the DNS proxy: the domain rules from the control plane, the addresses this proxy
/// learned (reported at the report interval, the newest record per entry and address, at most
/// <see cref="LearnedAddressesPerReport"/> waiting), and the addresses other gateways learned (put in the kernel here
/// too, for clients that ask one gateway and connect through another).
/// </summary>
public sealed class DnsSync
{
    /// <summary>The most learned addresses one report carries (the control plane accepts no more).</summary>
    public const int LearnedAddressesPerReport = 10_000;

    private readonly ConcurrentDictionary<(long, IPAddress), LearnedAddress> _pending = new();
    private long _dropped;

    /// <summary>Creates the bridge over <paramref name="policy"/>.</summary>
    public DnsSync(DomainPolicy policy) => Policy = policy ?? throw new ArgumentNullException(nameof(policy));

    /// <summary>The rules in force.</summary>
    public DomainPolicy Policy { get; }

    /// <summary>Whether a proxy runs here (the Hello asks for rules).</summary>
    public bool Wanted => Policy.Wanted;

    /// <summary>Raised with the addresses another gateway learned.</summary>
    public event Action<IReadOnlyList<LearnedAddress>>? PeerLearned;

    /// <summary>Learned addresses not reported because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Replaces the rules (a DomainRules message) and logs what was refused.</summary>
    public void OnRules(DomainRules message, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(message);
        DomainRulesLog.Received(logger, Policy.Replace(message), message.Rules.Count);
    }

    /// <summary>Queues learned records for the next report.</summary>
    public void Report(IReadOnlyList<LearnedAddress> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var r in records)
        {
            if (_pending.Count >= LearnedAddressesPerReport && !_pending.ContainsKey((r.EntryId, r.Address)))
            {
                Interlocked.Increment(ref _dropped);
                continue;
            }

            _pending[(r.EntryId, r.Address)] = r;
        }
    }

    /// <summary>The queued records as one report, or null when there are none.</summary>
    public LearnedAddresses? TakeReport()
    {
        if (_pending.IsEmpty)
        {
            return null;
        }

        var report = new LearnedAddresses();
        foreach (var key in _pending.Keys.ToList())
        {
            if (_pending.TryRemove(key, out var r))
            {
                report.Addresses.Add(new V1.LearnedAddress
                {
                    EntryId = r.EntryId,
                    Name = r.Name,
                    Address = r.Address.ToString(),
                    TtlSeconds = r.TtlSeconds,
                    FirstSeen = Timestamp.FromDateTimeOffset(r.FirstSeen),
                    LastSeen = Timestamp.FromDateTimeOffset(r.LastSeen),
                    ExpireTime = Timestamp.FromDateTimeOffset(r.Expires),
                });
            }
        }

        return report;
    }

    /// <summary>Takes the addresses other gateways learned (malformed ones and those of unknown entries are left out).</summary>
    public void OnPeerLearned(LearnedAddresses message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var entries = Policy.Rules.ToDictionary(r => r.EntryId);
        var records = new List<LearnedAddress>();
        foreach (var a in message.Addresses.Take(LearnedAddressesPerReport))
        {
            if (entries.TryGetValue(a.EntryId, out var rule) && IPAddress.TryParse(a.Address, out var address)
                && a.FirstSeen is not null && a.LastSeen is not null && a.ExpireTime is not null && a.TtlSeconds >= 0)
            {
                records.Add(new LearnedAddress(a.EntryId, a.Name, address, a.TtlSeconds, a.FirstSeen.ToDateTimeOffset(), a.LastSeen.ToDateTimeOffset(), a.ExpireTime.ToDateTimeOffset(), rule.Ports));
            }
        }

        if (records.Count > 0)
        {
            PeerLearned?.Invoke(records);
        }
    }
}
