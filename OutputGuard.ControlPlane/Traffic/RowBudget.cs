namespace OutputGuard.ControlPlane.Traffic;

/// <summary>
/// A token bucket of rows shared by every caller: <see cref="TakeAsync"/> returns at once while the budget lasts and
/// otherwise waits for its share in order of arrival (a taker reserves its rows, so later takers queue behind it).
/// </summary>
public sealed class RowBudget
{
    private readonly double _rowsPerSecond;
    private readonly int _burst;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _stamp;

    /// <summary>A budget of <paramref name="rowsPerSecond"/> that lets <paramref name="burst"/> rows through at once.</summary>
    public RowBudget(double rowsPerSecond, int burst, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowsPerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        ArgumentNullException.ThrowIfNull(time);
        _rowsPerSecond = rowsPerSecond;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _stamp = time.GetTimestamp();
    }

    /// <summary>Takes <paramref name="rows"/> (at most the burst), waiting as long as the budget needs to cover them.</summary>
    public Task TakeAsync(int rows, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_stamp, now).TotalSeconds * _rowsPerSecond));
            _stamp = now;
            _tokens -= Math.Clamp(rows, 0, _burst);
            wait = _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _rowsPerSecond);
        }

        return wait > TimeSpan.Zero ? Task.Delay(wait, _time, cancellationToken) : Task.CompletedTask;
    }
}
