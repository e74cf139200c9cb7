namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>What the agent holds and how the sync goes; read by the metrics and <c>/healthz</c>.</summary>
public sealed class GatewayStatus
{
    private long _revision;
    private int _state;
    private long _applies;
    private long _failures;
    private long _driftRepairs;
    private long _refused;
    private int _tableUnhealthy;
    private string _tableProblem = string.Empty;

    /// <summary>The applied revision.</summary>
    public long Revision => Interlocked.Read(ref _revision);

    /// <summary>The sync state.</summary>
    public SyncState State => (SyncState)Volatile.Read(ref _state);

    /// <summary>Applies that changed the kernel.</summary>
    public long Applies => Interlocked.Read(ref _applies);

    /// <summary>Failed connection attempts and broken streams.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Times someone else's change to the table was found and undone.</summary>
    public long DriftRepairs => Interlocked.Read(ref _driftRepairs);

    /// <summary>Destinations refused as malformed.</summary>
    public long RefusedDestinations => Interlocked.Read(ref _refused);

    /// <summary>Whether the kernel table is what the gateway applied (false while it is missing or wrong).</summary>
    public bool TableHealthy => Volatile.Read(ref _tableUnhealthy) == 0;

    /// <summary>What is wrong with the table while it is not healthy.</summary>
    public string TableProblem => Volatile.Read(ref _tableProblem);

    /// <summary>The allow entries in the kernel.</summary>
    public int Elements { get; set; }

    internal void SetRevision(long revision) => Interlocked.Exchange(ref _revision, revision);

    internal void SetState(SyncState state) => Volatile.Write(ref _state, (int)state);

    internal void CountApply() => Interlocked.Increment(ref _applies);

    internal void CountFailure() => Interlocked.Increment(ref _failures);

    internal void CountDriftRepair() => Interlocked.Increment(ref _driftRepairs);

    internal void CountRefused(int count) => Interlocked.Add(ref _refused, count);

    /// <summary>Marks the table wrong (<paramref name="problem"/> says how) or, with null, as applied again.</summary>
    internal void SetTableProblem(string? problem)
    {
        Volatile.Write(ref _tableProblem, problem ?? string.Empty);
        Volatile.Write(ref _tableUnhealthy, problem is null ? 0 : 1);
    }

    /// <summary>Raised after each apply with its duration in seconds.</summary>
    public event Action<double>? Applied;

    internal void OnApplied(double seconds, int elements)
    {
        Elements = elements;
        Applied?.Invoke(seconds);
    }
}
