using System.Net;
using Microsoft.Extensions.Logging;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// Learns, then lets the proxy answer: the public A/AAAA addresses of an answer to a name that matches domain rules go
/// into the learned sets (one kernel batch, each with its TTL + grace) before <see cref="Learn"/> returns. Internal
/// addresses are never added. Learning is serialised, so the book and the kernel move together; the book is saved
/// beside the state file after every change (at most once a second).
/// </summary>
public sealed partial class DnsLearner
{
    private readonly AllowListEnforcer _enforcer;
    private readonly LearnedAddressBook _book;
    private readonly InternalRanges _internal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private static readonly TimeSpan RevokedTimeout = TimeSpan.FromMilliseconds(1);
    private readonly Lock _gate = new();
    private int _dirty;

    /// <summary>Creates a learner over the enforcer's learned sets.</summary>
    public DnsLearner(AllowListEnforcer enforcer, DnsProxySettings settings, InternalRanges internalRanges, TimeProvider time, ILogger logger)
    {
        _enforcer = enforcer ?? throw new ArgumentNullException(nameof(enforcer));
        _book = new LearnedAddressBook(settings);
        _internal = internalRanges ?? throw new ArgumentNullException(nameof(internalRanges));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Raised with (new, dropped) after addresses were learned.</summary>
    public event Action<int, int>? Learned;

    /// <summary>Raised with the records an answer added or refreshed (not those of other gateways).</summary>
    public event Action<IReadOnlyList<LearnedAddress>>? Recorded;

    /// <summary>Live records (entry, address) held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _book.Count;
            }
        }
    }

    /// <summary>
    /// Adds the public addresses of <paramref name="answers"/> for <paramref name="rules"/> to the kernel, then to the
    /// book. Throws <see cref="Netlink.Sockets.NetlinkException"/> when the kernel refuses (nothing is kept then).
    /// </summary>
    public LearnPlan Learn(IReadOnlyList<DomainRule> rules, string name, IReadOnlyList<(IPAddress Address, int Ttl)> answers)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(answers);
        var public_ = answers.Where(a => !IsInternal(a.Address)).ToList();
        if (public_.Count < answers.Count)
        {
            LogInternalAnswer(_logger, name, answers.Count - public_.Count);
        }

        LearnPlan plan;
        lock (_gate)
        {
            plan = _book.Plan(rules, name, public_, _time.GetUtcNow());
            _enforcer.ApplyLearned(plan.Elements);
            _book.Commit(plan);
            if (plan.Records.Count > 0)
            {
                Interlocked.Exchange(ref _dirty, 1);
            }
        }

        if (plan.Dropped > 0)
        {
            LogCapDropped(_logger, name, plan.Dropped);
        }

        Learned?.Invoke(plan.New, plan.Dropped);
        if (plan.Records.Count > 0)
        {
            Recorded?.Invoke(plan.Records);
        }

        return plan;
    }

    /// <summary>Puts saved records back: the live ones into the kernel (one batch), then into the book.</summary>
    public int Restore(IReadOnlyList<LearnedAddress> saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var now = _time.GetUtcNow();
        var live = saved.Where(s => s.Expires > now && !IsInternal(s.Address)).ToList();
        lock (_gate)
        {
            _enforcer.ApplyLearned(LearnedAddressBook.Elements(live, now));
            _book.Commit(new LearnPlan(live, [], live.Count, 0));
        }

        return live.Count;
    }

    /// <summary>Takes records another gateway learned: the live ones into the kernel (one batch), then the book; never reported back.</summary>
    public int AcceptPeer(IReadOnlyList<LearnedAddress> records)
    {
        var accepted = Restore(records);
        if (accepted > 0)
        {
            Interlocked.Exchange(ref _dirty, 1);
        }

        return accepted;
    }

    /// <summary>Applies every live record again (after the learned sets were recreated by a repair).</summary>
    public void Reapply()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            _enforcer.ApplyLearned(LearnedAddressBook.Elements(_book.Live(now), now));
        }
    }

    /// <summary>
    /// Revokes what <paramref name="rules"/> no longer allow: the records of entries that are gone or whose port rules
    /// changed leave the book, and their kernel elements that no other record holds are cut at once (re-added with a
    /// timeout of 1 ms, which the kernel honours whether the element is still there or already aged out).
    /// </summary>
    public int Revoke(IReadOnlyList<DomainRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var current = rules.GroupBy(r => r.EntryId).ToDictionary(g => g.Key, g => g.First().Ports);
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var gone = _book.Live(now).Where(r => !current.TryGetValue(r.EntryId, out var ports) || !ports.SequenceEqual(r.Ports)).ToList();
            if (gone.Count == 0)
            {
                return 0;
            }

            _book.Remove(gone);
            var kept = LearnedAddressBook.Elements(_book.Live(now), now).Select(Key).ToHashSet();
            var cut = LearnedAddressBook.Elements(gone, now).Where(e => !kept.Contains(Key(e))).Select(e => e with { Timeout = RevokedTimeout }).ToList();
            _enforcer.ApplyLearned(cut);
            Interlocked.Exchange(ref _dirty, 1);
            return gone.Count;
        }
    }

    /// <summary>The live records, when something changed since the last call (else null).</summary>
    public IReadOnlyList<LearnedAddress>? TakeChanged()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return null;
        }

        lock (_gate)
        {
            return _book.Live(_time.GetUtcNow());
        }
    }

    /// <summary>The live records now.</summary>
    public IReadOnlyList<LearnedAddress> Live()
    {
        lock (_gate)
        {
            return _book.Live(_time.GetUtcNow());
        }
    }

    private static (IPAddress, byte, ushort, ushort) Key(LearnedElement e) => (e.Address, e.Protocol, e.Port, e.LastPort);

    private bool IsInternal(IPAddress address) =>
        _internal.TryFindOverlap(IpPrefix.Create(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), out _);

    [LoggerMessage(Level = LogLevel.Information, Message = "DNS answer for {Name} held {Count} internal address(es); they are not learned")]
    private static partial void LogInternalAnswer(ILogger logger, string name, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DNS answer for {Name}: {Dropped} address(es) not learned, the entry's cap is reached")]
    private static partial void LogCapDropped(ILogger logger, string name, int dropped);
}
