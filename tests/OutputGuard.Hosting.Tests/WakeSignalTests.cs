namespace OutputGuard.Hosting.Tests;

public sealed class WakeSignalTests
{
    [Fact]
    public async Task Wakes_before_the_wait_coalesce_into_one()
    {
        var signal = new WakeSignal();
        signal.Wake();
        signal.Wake();
        signal.Wake();

        await signal.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }

    [Fact]
    public async Task A_waiting_loop_is_woken_at_once()
    {
        var signal = new WakeSignal();
        var waiting = signal.WaitAsync(Timeout.InfiniteTimeSpan, CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        signal.Wake();

        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_timed_wait_without_a_wake_says_so()
    {
        var signal = new WakeSignal();

        Assert.False(await signal.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_keeps_the_wake_for_later()
    {
        var signal = new WakeSignal();
        using var stop = new CancellationTokenSource();
        var waiting = signal.WaitAsync(Timeout.InfiniteTimeSpan, stop.Token);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        signal.Wake();
        Assert.True(await signal.WaitAsync(TimeSpan.Zero, CancellationToken.None));
    }
}
