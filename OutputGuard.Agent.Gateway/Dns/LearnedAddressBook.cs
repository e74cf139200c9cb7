using System.Net;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// The addresses learned per entry, each until its last answer's TTL + the grace period, bounded per entry (a
/// wildcard's cap, an exact name's cap). Planning and committing are separate, so that a record is kept only once the
/// kernel holds its elements. Not thread-safe: <see cref="DnsLearner"/> serialises access.
/// </summary>
public sealed class LearnedAddressBook
{
    /// <summary>A TTL longer than this (one day) is read as this.</summary>
    public const int MaxTtlSeconds = 86_400;

    /// <summary>A port rule of at most this many ports is learned as one element per port; a wider one as ranges.</summary>
    public const int MaxPortsPerRule = 1024;

    /// <summary>The size (and alignment) of the port ranges a wide port rule is learned as.</summary>
    public const int RangeBlock = 256;

    /// <summary>The most an element's programmed lifetime exceeds TTL + grace (see <see cref="Programmed"/>).</summary>
    public static readonly TimeSpan MaxRefreshSlack = TimeSpan.FromMinutes(1);

    private readonly Dictionary<(long Entry, IPAddress Address), LearnedAddress> _records = [];
    private readonly Dictionary<long, int> _perEntry = [];
    private readonly DnsProxySettings _settings;

    /// <summary>Creates an empty book.</summary>
    public LearnedAddressBook(DnsProxySettings settings) => _settings = settings ?? throw new ArgumentNullException(nameof(settings));

    /// <summary>How many records the book holds (expired ones until the next prune).</summary>
    public int Count => _records.Count;

    /// <summary>
    /// Plans what <paramref name="answers"/> to <paramref name="name"/> teach for <paramref name="rules"/>: one record per
    /// rule and address, within each entry's cap.
    /// </summary>
    public LearnPlan Plan(IReadOnlyList<DomainRule> rules, string name, IReadOnlyList<(IPAddress Address, int Ttl)> answers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(answers);
        if (rules.Count == 0 || answers.Count == 0)
        {
            return LearnPlan.Empty;
        }

        var records = new List<LearnedAddress>();
        var held = new List<LearnedAddress>();
        int added = 0, dropped = 0;
        foreach (var rule in rules)
        {
            var cap = rule.IsWildcard ? _settings.WildcardCap : _settings.NameCap;
            var planned = 0;
            var count = _perEntry.GetValueOrDefault(rule.EntryId);
            foreach (var (address, ttl) in answers.DistinctBy(a => a.Address))
            {
                var lifetime = TimeSpan.FromSeconds(Math.Clamp(ttl, 0, MaxTtlSeconds)) + _settings.Grace;
                if (_records.TryGetValue((rule.EntryId, address), out var known) && known.Expires > now)
                {
                    if (known.Expires >= now + lifetime && known.Ports.SequenceEqual(rule.Ports))
                    {
                        // The kernel holds it for TTL + grace from now already: no batch.
                        held.Add(known with { Name = name, TtlSeconds = ttl, LastSeen = now });
                        continue;
                    }

                    records.Add(known with { Name = name, TtlSeconds = ttl, LastSeen = now, Expires = Later(known.Expires, now + Programmed(lifetime)), Ports = rule.Ports });
                    continue;
                }

                if (known is null && count >= cap)
                {
                    count = Prune(rule.EntryId, now) + planned;
                }

                if (known is null && count >= cap)
                {
                    dropped++;
                    continue;
                }

                if (known is null)
                {
                    count++;
                    planned++;
                }

                added++;
                records.Add(new LearnedAddress(rule.EntryId, name, address, ttl, known?.FirstSeen ?? now, now, now + Programmed(lifetime), rule.Ports));
            }
        }

        return new LearnPlan([.. records, .. held], Elements(records, now), added, dropped);
    }

    /// <summary>
    /// The lifetime an element is programmed with: TTL + grace and a quarter of that more (at most <see cref="MaxRefreshSlack"/>).
    /// An answer that finds its element held for TTL + grace from now costs no kernel batch, so a name answered many
    /// times a second is reprogrammed once per slack, not once per answer; an address stays allowed at least TTL +
    /// grace after its last answer, and at most the slack longer.
    /// </summary>
    public static TimeSpan Programmed(TimeSpan lifetime) => lifetime + TimeSpan.FromTicks(Math.Min(lifetime.Ticks / 4, MaxRefreshSlack.Ticks));

    /// <summary>Keeps the records of a plan whose elements the kernel now holds.</summary>
    public void Commit(LearnPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        foreach (var r in plan.Records)
        {
            if (!_records.ContainsKey((r.EntryId, r.Address)))
            {
                _perEntry[r.EntryId] = _perEntry.GetValueOrDefault(r.EntryId) + 1;
            }

            _records[(r.EntryId, r.Address)] = r;
        }
    }

    /// <summary>Drops every expired record; returns what is left, oldest first.</summary>
    public IReadOnlyList<LearnedAddress> Live(DateTimeOffset now)
    {
        foreach (var key in _records.Where(r => r.Value.Expires <= now).Select(r => r.Key).ToList())
        {
            Remove(key);
        }

        return [.. _records.Values.OrderBy(r => r.FirstSeen)];
    }

    /// <summary>Drops <paramref name="records"/> from the book.</summary>
    public void Remove(IEnumerable<LearnedAddress> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var r in records)
        {
            Remove((r.EntryId, r.Address));
        }
    }

    /// <summary>The kernel elements of <paramref name="records"/>, each with the time it has left.</summary>
    public static List<LearnedElement> Elements(IEnumerable<LearnedAddress> records, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(records);
        var elements = new Dictionary<(IPAddress, byte, ushort, ushort), TimeSpan>();
        foreach (var r in records)
        {
            var left = r.Expires - now;
            if (left <= TimeSpan.Zero)
            {
                continue;
            }

            // The kernel counts timeouts in milliseconds; round up so the element never leaves before the record.
            left = TimeSpan.FromMilliseconds(Math.Ceiling(left.TotalMilliseconds));
            foreach (var key in Keys(r))
            {
                elements[key] = elements.TryGetValue(key, out var other) && other > left ? other : left;
            }
        }

        return [.. elements.Select(e => new LearnedElement(e.Key.Item1, e.Key.Item2, e.Key.Item3, e.Value, e.Key.Item4))];
    }

    /// <summary>
    /// The elements of one learned record: the address alone (every port); one element per port of a rule of at most
    /// <see cref="MaxPortsPerRule"/> ports; for a wider rule, the aligned <see cref="RangeBlock"/>-port blocks it
    /// covers whole (ranges, never overlapping those of another rule) and its ports outside them one by one (fewer
    /// than 2 × <see cref="RangeBlock"/>).
    /// </summary>
    private static IEnumerable<(IPAddress, byte, ushort, ushort)> Keys(LearnedAddress r)
    {
        if (r.Ports.Count == 0)
        {
            yield return (r.Address, 0, 0, 0);
            yield break;
        }

        foreach (var span in r.Ports)
        {
            int from = span.From, to = span.To;
            if (to - from < MaxPortsPerRule)
            {
                for (var port = from; port <= to; port++)
                {
                    yield return (r.Address, span.Protocol, (ushort)port, 0);
                }

                continue;
            }

            var firstBlock = (from + RangeBlock - 1) / RangeBlock;
            var endBlock = (to + 1) / RangeBlock; // one past the last whole block
            for (var port = from; port < firstBlock * RangeBlock; port++)
            {
                yield return (r.Address, span.Protocol, (ushort)port, 0);
            }

            for (var block = firstBlock; block < endBlock; block++)
            {
                yield return (r.Address, span.Protocol, (ushort)(block * RangeBlock), (ushort)((block * RangeBlock) + RangeBlock - 1));
            }

            for (var port = endBlock * RangeBlock; port <= to; port++)
            {
                yield return (r.Address, span.Protocol, (ushort)port, 0);
            }
        }
    }

    private int Prune(long entry, DateTimeOffset now)
    {
        foreach (var key in _records.Where(r => r.Key.Entry == entry && r.Value.Expires <= now).Select(r => r.Key).ToList())
        {
            Remove(key);
        }

        return _perEntry.GetValueOrDefault(entry);
    }

    private void Remove((long Entry, IPAddress Address) key)
    {
        if (_records.Remove(key) && --_perEntry[key.Entry] == 0)
        {
            _perEntry.Remove(key.Entry);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
