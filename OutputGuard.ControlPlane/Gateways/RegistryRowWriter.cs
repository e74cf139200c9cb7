namespace OutputGuard.ControlPlane.Gateways;

/// <summary>
/// Writes gateways' registry rows with group commit: a row waits while one write is under way, and then goes with every
/// row that arrived meanwhile in one store write (the newest row per gateway). So 1,000 Hellos or 1,000 acks of one
/// revision cost a handful of transactions, not 1,000, while each caller still learns whether its row was stored.
/// What waits is bounded by the gateways (one row each).
/// </summary>
public sealed class RegistryRowWriter(Store.IControlPlaneStore store)
{
    private readonly Lock _lock = new();
    private Dictionary<string, GatewayRecord> _pending = new(StringComparer.Ordinal);
    private TaskCompletionSource _pendingWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _writing;
    private long _writes;

    /// <summary>How many store writes were made (tests compare it with the rows written).</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>
    /// Completes when <paramref name="row"/> (or a newer row of the same gateway) is stored; throws what the store threw.
    /// Not cancellable on purpose: a row that is written after its stream ended could overwrite the disconnect.
    /// </summary>
    public Task WriteAsync(GatewayRecord row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Task written;
        var start = false;
        lock (_lock)
        {
            _pending[row.Id] = row;
            written = _pendingWritten.Task;
            if (!_writing)
            {
                _writing = true;
                start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(WriteLoopAsync);
        }

        return written;
    }

    private async Task WriteLoopAsync()
    {
        while (true)
        {
            Dictionary<string, GatewayRecord> rows;
            TaskCompletionSource written;
            lock (_lock)
            {
                if (_pending.Count == 0)
                {
                    _writing = false;
                    return;
                }

                (rows, written) = (_pending, _pendingWritten);
                _pending = new(StringComparer.Ordinal);
                _pendingWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            try
            {
                Interlocked.Increment(ref _writes);
                await store.UpsertGatewaysAsync(rows.Values, CancellationToken.None);
                written.SetResult();
            }
#pragma warning disable CA1031 // Whatever the store threw goes to every caller of this group.
            catch (Exception e)
#pragma warning restore CA1031
            {
                written.SetException(e);
            }
        }
    }
}
