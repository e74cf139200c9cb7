using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>What the agent holds and how the sync goes; read by the metrics.</summary>
public sealed class GatewayStatus
{
    private long _revision;
    private int _state;
    private long _applies;
    private long _failures;

    /// <summary>The applied revision.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>The sync state.</summary>
    public SyncState State => (SyncState)Volatile.Read(ref _state);

    /// <summary>Applies that changed the kernel.</summary>
    public long Applies => Interlocked.Read(ref _applies);

    /// <summary>Failed connection attempts and broken streams.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>The allow entries in the kernel.</summary>
    public int Elements { get; set; }

    internal void SetRevision(long revision) => Interlocked.Exchange(ref _revision, revision);

    internal void SetState(SyncState state) => Volatile.Write(ref _state, (int)state);

    internal void CountApply() => Interlocked.Increment(ref _applies);

    internal void CountFailure() => Interlocked.Increment(ref _failures);

    /// <summary>Raised after each apply with its duration in seconds.</summary>
    public event Action<double>? Applied;

    internal void OnApplied(double seconds, AllowListEnforcer enforcer)
    {
        Elements = enforcer.ElementCount;
        Applied?.Invoke(seconds);
    }
}
