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
    private readonly ConcurrentDictionary<GatewaySession, byte> _sessions = new();
    private readonly WakeSignal _wake = new();
    private long _published = -1;

    /// <summary>The newest revision handed to the sessions (-1 before the first read).</summary>
    public long PublishedRevision => Interlocked.Read(ref _published);

    /// <summary>Adds a session: it receives every revision published from now on.</summary>
    public void Subscribe(GatewaySession session) => _sessions[session] = 0;

    /// <summary>Removes a session.</summary>
    public void Unsubscribe(GatewaySession session) => _sessions.TryRemove(session, out _);

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
            Interlocked.CompareExchange(ref _published, await store.GetRevisionAsync(cancellationToken), -1);
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
            Broadcast(FeedItem.Resync);
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
