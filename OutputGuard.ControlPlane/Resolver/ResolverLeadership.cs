namespace OutputGuard.ControlPlane.Resolver;

/// <summary>A held resolver lease: <see cref="Lost"/> is cancelled when the lease can no longer be vouched for.</summary>
public sealed class ResolverLeadership : IAsyncDisposable
{
    private readonly CancellationTokenSource _lost = new();
    private readonly Func<ValueTask> _release;
    private int _disposed;

    /// <summary>Creates a leadership that runs <paramref name="release"/> once when disposed.</summary>
    public ResolverLeadership(Func<ValueTask> release)
    {
        ArgumentNullException.ThrowIfNull(release);
        _release = release;
    }

    /// <summary>Cancelled when the lease is lost.</summary>
    public CancellationToken Lost => _lost.Token;

    /// <summary>Marks the lease lost.</summary>
    public void MarkLost()
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _lost.Cancel();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _release();
        }
        finally
        {
            _lost.Dispose();
        }
    }
}
