using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.V1;
using EntryKind = OutputGuard.ControlPlane.Entries.EntryKind;

namespace OutputGuard.ControlPlane.Learning;

/// <summary>
/// The domain entries (exact names and wildcards, with their port rules) that gateways' DNS proxies learn addresses
/// for. It reads the store at the change-poll interval (so entries made on another replica arrive too) and, when the list changed, tells every session that asked for it (<c>Hello.wants_domain_rules</c>)
/// through the session's own bounded queue.
/// </summary>
public sealed partial class DomainRuleSource(
    IControlPlaneStore store,
    IOptions<ControlPlaneOptions> options,
    ILogger<DomainRuleSource> logger) : BackgroundService
{
    /// <summary>The most rules one list holds; entries past it are left out and logged.</summary>
    public const int MaxRules = 100_000;

    private const int Page = 1000;
    private readonly ConcurrentDictionary<GatewaySession, byte> _sessions = new();
    private volatile Published _current = new(0, new DomainRules(), string.Empty);

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

    /// <summary>Reads the domain entries and publishes them when they changed; returns the version in force.</summary>
    public async Task<long> RefreshAsync(CancellationToken cancellationToken)
    {
        var rules = new DomainRules();
        long after = 0;
        var total = 0;
        while (true)
        {
            var page = await store.ListEntriesAsync(new EntryFilter(Kind: EntryKind.Domain), after, Page, cancellationToken);
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
            LogTooMany(logger, total, MaxRules);
        }

        var text = rules.ToString();
        var current = _current;
        if (text == current.Text)
        {
            return current.Version;
        }

        var next = new Published(current.Version + 1, rules, text);
        _current = next;
        LogPublished(logger, next.Version, rules.Rules.Count);
        foreach (var session in _sessions.Keys)
        {
            session.Offer(FeedItem.DomainRules);
        }

        return next.Version;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(options.Value.ChangePollIntervalMs));
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
                    LogFailing(logger, e);
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

    private sealed record Published(long Version, DomainRules Rules, string Text);

    [LoggerMessage(Level = LogLevel.Information, Message = "Domain rules version {Version}: {Count} domain entries for the gateways' DNS proxies")]
    private static partial void LogPublished(ILogger logger, long version, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Total} domain entries; the gateways' DNS proxies learn for the first {Max} only")]
    private static partial void LogTooMany(ILogger logger, int total, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Domain rules cannot be read from the store; the last list stays in force")]
    private static partial void LogFailing(ILogger logger, Exception exception);
}
