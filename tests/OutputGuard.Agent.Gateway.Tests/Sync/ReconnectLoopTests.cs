using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Tests.Sync;

/// <summary>The gateway's reconnect backoff on a fake clock: it grows while streams fail at once and starts again after a stable one.</summary>
public sealed class ReconnectLoopTests
{
    private readonly FakeTimeProvider _fake = new();
    private readonly TimerWatch _clock;
    private readonly GatewayStatus _status = new();
    private readonly Channel<int> _streams = Channel.CreateUnbounded<int>();
    private int _count;

    public ReconnectLoopTests() => _clock = new TimerWatch(_fake);

    [Fact]
    public async Task Only_a_stream_that_stayed_up_ten_seconds_restarts_the_backoff_from_its_shortest_delay()
    {
        using var stop = new CancellationTokenSource();
        var loop = new ReconnectLoop(_status, _clock, NullLogger.Instance);

        // Streams 1 and 2 fail at once, stream 3 stays up ten seconds, stream 4 fails at once again.
        var running = loop.RunAsync(
            _ =>
            {
                var n = Interlocked.Increment(ref _count);
                if (n == 3)
                {
                    _fake.Advance(ReconnectLoop.StableStream);
                }

                _streams.Writer.TryWrite(n);
                throw new IOException("connection refused");
            },
            stop.Token);

        await NextStreamAsync(1);
        await AfterDelayAsync(minimum: 125, maximum: 250, next: 2);   // the first delay
        await AfterDelayAsync(minimum: 250, maximum: 500, next: 3);   // doubled: stream 1 failed at once
        await AfterDelayAsync(minimum: 125, maximum: 250, next: 4);   // back to the first: stream 3 was stable
        await AfterDelayAsync(minimum: 250, maximum: 500, next: 5);   // doubled again: stream 4 failed at once

        // Stream 5 failed too: once the loop waits again, all five failures are counted.
        await _clock.TimersAsync(5);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(SyncState.Disconnected, _status.State);
        Assert.Equal(5, _status.Failures);
    }

    [Fact]
    public async Task Every_failed_stream_is_counted_and_shown_disconnected_until_the_next_attempt()
    {
        using var stop = new CancellationTokenSource();
        var states = Channel.CreateUnbounded<SyncState>();
        var loop = new ReconnectLoop(_status, _clock, NullLogger.Instance);
        var running = loop.RunAsync(
            _ =>
            {
                states.Writer.TryWrite(_status.State);
                _streams.Writer.TryWrite(Interlocked.Increment(ref _count));
                return Task.FromException(new IOException("reset by peer"));
            },
            stop.Token);

        await NextStreamAsync(1);
        await _clock.TimersAsync(1);

        Assert.Equal(SyncState.Connecting, await states.Reader.ReadAsync());
        Assert.Equal(SyncState.Disconnected, _status.State);
        Assert.Equal(1, _status.Failures);
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits until the loop waits, then shows the next stream starts no sooner than the minimum and by the maximum.</summary>
    private async Task AfterDelayAsync(int minimum, int maximum, int next)
    {
        await _clock.TimersAsync(next - 1);
        _fake.Advance(TimeSpan.FromMilliseconds(minimum) - TimeSpan.FromTicks(1));
        Assert.False(_streams.Reader.TryPeek(out _), $"stream {next} started before {minimum} ms");
        _fake.Advance(TimeSpan.FromMilliseconds(maximum - minimum) + TimeSpan.FromTicks(1));
        await NextStreamAsync(next);
    }

    private async Task NextStreamAsync(int expected) =>
        Assert.Equal(expected, await _streams.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
}
