using System.Collections.Concurrent;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;
using Microsoft.Extensions.Options;

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
    private readonly ConcurrentDictionary<GatewaySession, byte> _sessions = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _published = -1;

    /// <summary>The newest revision handed to the sessions (-1 before the first read).</summary>
    public long PublishedRevision => Interlocked.Read(ref _published);

    /// <summary>Adds a session: it receives every revision published from now on.</summary>
    public void Subscribe(GatewaySession session) => _sessions[session] = 0;

    /// <summary>Removes a session.</summary>
    public void Unsubscribe(GatewaySession session) => _sessions.TryRemove(session, out _);

    /// <summary>Wakes the feed at once (after a local commit).</summary>
    public void Notify()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
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
            // First read: sessions catch up by themselves from their Hello; start from here.
            Interlocked.Exchange(ref _published, current);
            return;
        }

        while (published < current)
        {
            var changes = await store.GetChangesAsync(published, BatchRevisions, cancellationToken);
            if (changes is null || changes.Count == 0)
            {
                Broadcast(FeedItem.Resync);
                published = current;
                break;
            }

            foreach (var change in changes)
            {
                Broadcast(new FeedItem(change));
                published = change.Revision;
            }
        }

        Interlocked.Exchange(ref _published, published);
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
