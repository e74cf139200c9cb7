using System.Threading.Channels;
using Grpc.Core;
using OutputGuard.ControlPlane.Gateways;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>
/// One open gateway stream on this replica: a bounded queue of revisions to send. When the queue is
/// full the session is marked lagging and further items are dropped; the stream then catches up with
/// a snapshot. So a gateway that stops reading costs at most the queue's capacity, never unbounded memory.
/// </summary>
public sealed class GatewaySession
{
    private readonly Channel<FeedItem> _queue;
    private int _lagging;
    private long _snapshotsSent;
    private long _offeredRevision;
    private RpcException? _fault;

    /// <summary>Creates a session with a queue of <paramref name="capacity"/> items.</summary>
    public GatewaySession(string gatewayId, string tokenName, int capacity, CancellationTokenSource lifetime)
    {
        GatewayId = gatewayId;
        TokenName = tokenName;
        Lifetime = lifetime;
        _queue = Channel.CreateBounded<FeedItem>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    /// <summary>The gateway's id.</summary>
    public string GatewayId { get; }

    /// <summary>The token name it authenticated with: its identity (only a stream of the same token replaces it).</summary>
    public string TokenName { get; }

    /// <summary>Cancelled to end the stream (the gateway left, connected again, broke a rule, or the server stops).</summary>
    public CancellationTokenSource Lifetime { get; }

    /// <summary>The queue the stream's writer reads.</summary>
    public ChannelReader<FeedItem> Reader => _queue.Reader;

    /// <summary>Items waiting in the queue.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>Whether items were dropped since the last snapshot.</summary>
    public bool IsLagging => Volatile.Read(ref _lagging) == 1;

    /// <summary>Snapshots sent on this stream.</summary>
    public long SnapshotsSent => Interlocked.Read(ref _snapshotsSent);

    /// <summary>The gateway's registry row as this session last wrote it.</summary>
    public GatewayRecord? Row { get; set; }

    /// <summary>The id of the store this replica serves; what the gateway holds once it acknowledges.</summary>
    public string StoreId { get; set; } = string.Empty;

    /// <summary>The last revision written to the stream.</summary>
    public long SentRevision { get; set; }

    /// <summary>The newest revision handed to the stream's writer (set before the write, so an ack can never outrun it).</summary>
    public long OfferedRevision => Interlocked.Read(ref _offeredRevision);

    /// <summary>The version of the domain rules last sent (0: none; only for gateways that asked for them).</summary>
    public long DomainRulesSent { get; set; }

    /// <summary>The last revision the gateway acknowledged.</summary>
    public long AckedRevision { get; set; }

    /// <summary>Why the server ended the stream, when it was the gateway's fault; null otherwise.</summary>
    public RpcException? Fault => Volatile.Read(ref _fault);

    /// <summary>Raises <see cref="OfferedRevision"/> to <paramref name="revision"/> (never lowers it).</summary>
    public void Offer(long revision)
    {
        long seen;
        while ((seen = Interlocked.Read(ref _offeredRevision)) < revision
            && Interlocked.CompareExchange(ref _offeredRevision, revision, seen) != seen)
        {
        }
    }

    /// <summary>Queues an item without waiting; a full queue marks the session lagging instead.</summary>
    public void Offer(FeedItem item)
    {
        if (!_queue.Writer.TryWrite(item))
        {
            Interlocked.Exchange(ref _lagging, 1);
        }
    }

    /// <summary>Ends the stream with <paramref name="status"/> (the first fault wins).</summary>
    public void Fail(RpcException status)
    {
        Interlocked.CompareExchange(ref _fault, status, null);
        try
        {
            Lifetime.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream has already ended.
        }
    }

    /// <summary>Clears the lagging mark and drops what is queued, before a snapshot is sent.</summary>
    public void BeginSnapshot()
    {
        Interlocked.Exchange(ref _lagging, 0);
        while (_queue.Reader.TryRead(out _))
        {
        }

        Interlocked.Increment(ref _snapshotsSent);
    }
}
