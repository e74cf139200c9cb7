using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Hosting;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.V1;
using EntryKind = OutputGuard.ControlPlane.Entries.EntryKind;

namespace OutputGuard.ControlPlane.Learning;

/// <summary>
/// The domain entries (exact names and wildcards, with their port rules) that gateways' DNS proxies learn addresses
/// for. At the change-poll interval it reads the store's entries version (one row; see
/// <see cref="IControlPlaneStore.GetEntriesVersionAsync"/>), and only when that moved (an entry made, changed or deleted
/// here, on another replica, or by plain SQL) the domain entries themselves; when the list changed, it tells every
/// session that asked for it (<c>Hello.wants_domain_rules</c>) through the session's own bounded queue. An idle control
/// plane so costs one single-row read per interval whatever the number of entries
/// (<c>outputguard_domain_rules_reads_total</c> counts the full reads).
/// </summary>
public sealed partial class DomainRuleSource : BackgroundService
{
    /// <summary>The most rules one list holds; entries past it are left out and logged.</summary>
    public const int MaxRules = 100_000;

    private const int Page = 1000;
    private readonly IControlPlaneStore _store;
    private readonly IOptions<ControlPlaneOptions> _options;
    private readonly ILogger<DomainRuleSource> _logger;
    private readonly ConcurrentDictionary<GatewaySession, byte> _sessions = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private readonly Counter<long> _readCounter;
    private volatile Published _current = new(0, new DomainRules(), -1);
    private long _reads;
    private long _checks;

    /// <summary>Creates the source; its read counter is an instrument of <see cref="ControlPlaneMetrics.MeterName"/>.</summary>
    public DomainRuleSource(IControlPlaneStore store, IOptions<ControlPlaneOptions> options, IMeterFactory meterFactory, ILogger<DomainRuleSource> logger)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _store = store;
        _options = options;
        _logger = logger;
        _readCounter = meterFactory.Create(ControlPlaneMetrics.MeterName).CreateCounter<long>(
            "outputguard_domain_rules_reads", description: "Times the domain entries were read for the gateways' DNS proxies (only when the entries version moved)");
    }

    /// <summary>How many times the domain entries were read from the store (not the version checks).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>How many times the store's entries version was read (once per change-poll interval, and at a session's first ask).</summary>
    public long Checks => Interlocked.Read(ref _checks);

    /// <summary>The list now and its version (0 until the first read).</summary>
    public (long Version, DomainRules Rules) Current
    {
        get
        {
            var c = _current;
            return (c.Version, c.Rules);
        }
    }

    /// <summary>Adds a session that wants the rules.</summary>
    public void Subscribe(GatewaySession session) => _sessions[session] = 0;

    /// <summary>Removes a session.</summary>
    public void Unsubscribe(GatewaySession session) => _sessions.TryRemove(session, out _);

    /// <summary>Offers <paramref name="item"/> to every session that asked for the rules but <paramref name="except"/>.</summary>
    public void Broadcast(FeedItem item, GatewaySession? except)
    {
        foreach (var session in _sessions.Keys.Where(s => s != except))
        {
            session.Offer(item);
        }
    }

    /// <summary>Whether <paramref name="session"/> asked for the rules.</summary>
    public bool IsSubscribed(GatewaySession session) => _sessions.ContainsKey(session);

    /// <summary>Reads the domain entries when the store's entries version moved and publishes them when they changed; returns the version in force.</summary>
    public async Task<long> RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var entriesVersion = await _store.GetEntriesVersionAsync(cancellationToken);
            Interlocked.Increment(ref _checks);
            var current = _current;
            return entriesVersion == current.EntriesVersion ? current.Version : await ReadAsync(current, entriesVersion, cancellationToken);
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _refreshing.Dispose();
        base.Dispose();
    }

    /// <summary>Reads the list (the entries version was read first, so a change made meanwhile is read again next time).</summary>
    private async Task<long> ReadAsync(Published current, long entriesVersion, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        _readCounter.Add(1);
        var rules = new DomainRules();
        long after = 0;
        var total = 0;
        while (true)
        {
            var page = await _store.ListEntriesAsync(new EntryFilter(Kind: EntryKind.Domain), after, Page, cancellationToken);
            foreach (var entry in page)
            {
                total++;
                if (rules.Rules.Count < MaxRules)
                {
                    rules.Rules.Add(ToRule(entry));
                }
            }

            if (page.Count < Page)
            {
                break;
            }

            after = page[^1].Id;
        }

        if (total > MaxRules)
        {
            LogTooMany(_logger, total, MaxRules);
        }

        if (current.Version > 0 && rules.Equals(current.Rules))
        {
            _current = current with { EntriesVersion = entriesVersion };
            return current.Version;
        }

        var next = new Published(current.Version + 1, rules, entriesVersion);
        _current = next;
        LogPublished(_logger, next.Version, rules.Rules.Count);
        foreach (var session in _sessions.Keys)
        {
            session.Offer(FeedItem.DomainRules);
        }

        return next.Version;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.Value.ChangePollIntervalMs));
        var failing = false;
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The store may fail for a while; the last list stays in force (logged once).
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (!failing)
                {
                    LogFailing(_logger, e);
                    failing = true;
                }
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The proto form of one domain entry.</summary>
    public static DomainRule ToRule(Entries.Entry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var rule = new DomainRule { EntryId = entry.Id, Pattern = entry.Value };
        rule.Ports.AddRange(entry.Ports.Select(p => new PortRange
        {
            Protocol = (V1.L4Protocol)(int)p.Protocol,
            PortFrom = (uint)p.From,
            PortTo = (uint)p.To,
        }));
        return rule;
    }

    /// <summary>The list in force, its version, and the store's entries version it was read at (-1: not read yet).</summary>
    private sealed record Published(long Version, DomainRules Rules, long EntriesVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Domain rules version {Version}: {Count} domain entries for the gateways' DNS proxies")]
    private static partial void LogPublished(ILogger logger, long version, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Total} domain entries; the gateways' DNS proxies learn for the first {Max} only")]
    private static partial void LogTooMany(ILogger logger, int total, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Domain rules cannot be read from the store; the last list stays in force")]
    private static partial void LogFailing(ILogger logger, Exception exception);
}
