using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;
using OutputGuard.Hosting;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>
/// Follows the change log and hands every new revision to the open gateway sessions. It reads the
/// store, not an in-process event, so a revision committed by another replica on the same database
/// reaches this replica's gateways too; a local commit only wakes it early.
/// </summary>
public sealed partial class ChangeFeed(
    IControlPlaneStore store,
    IOptions<ControlPlaneOptions> options,
    ILogger<ChangeFeed> logger) : BackgroundService
{
    private const int BatchRevisions = 256;

    /// <summary>How many recent revisions the feed keeps for gateways that catch up (a reconnect storm reads them here, not from the store).</summary>
    public const int RecentRevisions = 256;

    /// <summary>How many destinations those recent revisions may hold together (the newest revision is kept whatever its size).</summary>
    public const int RecentDestinations = 250_000;

    private readonly ConcurrentDictionary<GatewaySession, byte> _sessions = new();
    private readonly Lock _recentLock = new();
    private readonly Queue<FeedItem> _recent = new();
    private long _recentFloor = -1;
    private long _recentTop = -1;
    private long _recentSize;
    private readonly WakeSignal _wake = new();
    private long _published = -1;

    /// <summary>The newest revision handed to the sessions (-1 before the first read).</summary>
    public long PublishedRevision => Interlocked.Read(ref _published);

    /// <summary>Adds a session: it receives every revision published from now on.</summary>
    public void Subscribe(GatewaySession session) => _sessions[session] = 0;

    /// <summary>Removes a session.</summary>
    public void Unsubscribe(GatewaySession session) => _sessions.TryRemove(session, out _);

    /// <summary>
    /// The published revisions after <paramref name="afterRevision"/> with their shared messages, in order, when the feed
    /// still holds all of them; null when it does not (the caller reads the change log). Every revision the feed hands to
    /// sessions is kept here first, so a session that subscribed before asking misses none.
    /// </summary>
    public IReadOnlyList<FeedItem>? RecentAfter(long afterRevision)
    {
        lock (_recentLock)
        {
            if (_recentFloor < 0 || afterRevision < _recentFloor || afterRevision > _recentTop)
            {
                return null;
            }

            return _recent.Where(i => i.Change!.Revision > afterRevision).ToList();
        }
    }

    /// <summary>Wakes the feed at once (after a local commit).</summary>
    public void Notify() => _wake.Wake();

    /// <summary>
    /// Reads the starting revision before the server accepts streams (hosted services start before
    /// Kestrel), so that no revision committed after a session caught up can be taken as the starting
    /// point and never offered. If the store does not answer yet, the first loop iteration reads it.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var revision = await store.GetRevisionAsync(cancellationToken);
            if (Interlocked.CompareExchange(ref _published, revision, -1) == -1)
            {
                ForgetRecent(revision);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailing(logger, e);
        }

        await base.StartAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.Value.ChangePollIntervalMs);
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishNewRevisionsAsync(stoppingToken);
                if (failing)
                {
                    LogRecovered(logger);
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (!failing)
                {
                    LogFailing(logger, e);
                    failing = true;
                }
            }

            try
            {
                await _wake.WaitAsync(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Reads revisions after the published one and offers them to every session.</summary>
    public async Task PublishNewRevisionsAsync(CancellationToken cancellationToken)
    {
        var current = await store.GetRevisionAsync(cancellationToken);
        var published = PublishedRevision;
        if (published < 0)
        {
            // The store did not answer at start. Sessions that connected since caught up by themselves
            // from their Hello, but a revision committed after that would be skipped by starting here:
            // have them resynchronise with a snapshot instead.
            Interlocked.Exchange(ref _published, current);
            ForgetRecent(current);
            Broadcast(FeedItem.Resync);
            return;
        }

        while (published < current)
        {
            var changes = await store.GetChangesAsync(published, BatchRevisions, cancellationToken);
            if (changes is null || changes.Count == 0)
            {
                ForgetRecent(current);
                Broadcast(FeedItem.Resync);
                published = current;
                break;
            }

            foreach (var change in changes)
            {
                // Read from the store once and built once, for every stream.
                var item = new FeedItem(change) { Message = RevisionMessages.Delta(change) };
                Remember(item, published);
                Broadcast(item);
                published = change.Revision;
            }
        }

        Interlocked.Exchange(ref _published, published);
    }

    private void Remember(FeedItem item, long previousRevision)
    {
        lock (_recentLock)
        {
            if (_recentFloor < 0)
            {
                _recentFloor = previousRevision;
            }

            _recent.Enqueue(item);
            _recentTop = item.Change!.Revision;
            _recentSize += Size(item);
            while (_recent.Count > 1 && (_recent.Count > RecentRevisions || _recentSize > RecentDestinations))
            {
                var dropped = _recent.Dequeue();
                _recentSize -= Size(dropped);
                _recentFloor = dropped.Change!.Revision;
            }
        }

        static long Size(FeedItem i) => i.Change!.Added.Count + i.Change.Removed.Count + i.Change.Renamed.Count;
    }

    /// <summary>After a gap the feed cannot bridge, it starts keeping revisions again from <paramref name="revision"/>.</summary>
    private void ForgetRecent(long revision)
    {
        lock (_recentLock)
        {
            _recent.Clear();
            _recentSize = 0;
            _recentFloor = revision;
            _recentTop = revision;
        }
    }

    private void Broadcast(FeedItem item)
    {
        foreach (var session in _sessions.Keys)
        {
            session.Offer(item);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Change feed cannot read the store; gateways keep their state and are caught up when it is back")]
    private static partial void LogFailing(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Change feed reads the store again")]
    private static partial void LogRecovered(ILogger logger);
}
