namespace OutputGuard.Testing;

/// <summary>
/// A clock over another one (a FakeTimeProvider) that counts the timers created on it, so that a test can wait until
/// a loop is waiting (a retry delay, a pause) before it moves the fake clock: an event, not a sleep.
/// </summary>
public sealed class TimerWatch(TimeProvider inner) : TimeProvider
{
    private int _created;

    /// <summary>Timers created so far (every <c>Task.Delay</c> on this clock is one).</summary>
    public int TimersCreated => Volatile.Read(ref _created);

    /// <inheritdoc />
    public override long TimestampFrequency => inner.TimestampFrequency;

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    /// <inheritdoc />
    public override long GetTimestamp() => inner.GetTimestamp();

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = inner.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _created);
        return timer;
    }

    /// <summary>Waits until at least <paramref name="count"/> timers were created.</summary>
    public Task TimersAsync(int count) =>
        Eventually.True(() => TimersCreated >= count, TimeSpan.FromSeconds(10), () => $"{count} timers created (so far {TimersCreated})", pollMilliseconds: 5);
}
