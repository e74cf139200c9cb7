using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Polly;

namespace OutputGuard.Hosting.Tests;

/// <summary>The retry pipeline on a fake clock: the loop waits what its backoff says, on the clock it was given.</summary>
public sealed class RetryLoopTests
{
    private static readonly Backoff Doubling = new(DelayBackoffType.Exponential, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
    private readonly FakeTimeProvider _fake = new();
    private readonly TimerWatch _clock;
    private readonly List<RetryFailure> _failures = [];
    private readonly Channel<int> _attempts = Channel.CreateUnbounded<int>();
    private int _attempt;

    public RetryLoopTests() => _clock = new TimerWatch(_fake);

    [Fact]
    public async Task Each_failure_waits_its_backoff_on_the_given_clock()
    {
        using var stop = new CancellationTokenSource();
        var loop = Loop(Doubling);
        var running = loop.RunAsync(_ => Fail(), stop.Token);

        foreach (var expected in new[] { 1, 2, 4, 8, 8 })
        {
            await NextAttemptAsync();
            await _clock.TimersAsync(_attempt);
            Assert.Equal(TimeSpan.FromSeconds(expected), _failures[^1].Delay);

            // Just short of the delay nothing may run; at the delay the next attempt does.
            _fake.Advance(TimeSpan.FromSeconds(expected) - TimeSpan.FromTicks(1));
            Assert.False(_attempts.Reader.TryPeek(out _));
            _fake.Advance(TimeSpan.FromTicks(1));
        }

        await NextAttemptAsync();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal([0, 1, 2, 3, 4, 5], _failures.Select(f => f.Attempt));
    }

    [Fact]
    public async Task A_healthy_attempt_starts_the_backoff_again()
    {
        using var stop = new CancellationTokenSource();
        var loop = Loop(Doubling);
        var running = loop.RunAsync(
            run =>
            {
                if (_attempt == 3)
                {
                    run.Healthy();
                }

                return Fail();
            },
            stop.Token);

        for (var i = 0; i < 5; i++)
        {
            await NextAttemptAsync();
            await _clock.TimersAsync(_attempt);
            _fake.Advance(_failures[^1].Delay);
        }

        await NextAttemptAsync();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal([1, 2, 4, 1, 2], _failures.Take(5).Select(f => f.Delay.TotalSeconds));
    }

    [Fact]
    public async Task An_exception_it_does_not_handle_ends_the_loop_at_once()
    {
        var loop = new RetryLoop(Doubling, _clock, f => _failures.Add(f), handles: e => e is TimeoutException);

        await Assert.ThrowsAsync<InvalidDataException>(() => loop.RunAsync(_ => throw new InvalidDataException("bad"), CancellationToken.None));

        Assert.Empty(_failures);
        Assert.Equal(0, _clock.TimersCreated);
    }

    [Fact]
    public async Task A_bounded_loop_gives_up_with_the_last_failure()
    {
        var loop = new RetryLoop(new Backoff(DelayBackoffType.Constant, TimeSpan.Zero, TimeSpan.Zero), _clock, f => _failures.Add(f), maxRetries: 2);
        var tries = 0;

        var e = await Assert.ThrowsAsync<TimeoutException>(() => loop.RunAsync<int>(_ => throw new TimeoutException($"try {++tries}"), CancellationToken.None));

        Assert.Equal("try 3", e.Message);
        Assert.Equal(2, _failures.Count);
    }

    [Fact]
    public async Task A_poll_waits_the_backoff_after_each_empty_answer_and_returns_the_first_answer()
    {
        var loop = new RetryLoop(new Backoff(DelayBackoffType.Constant, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3)), _clock, f => _failures.Add(f));
        var polls = 0;

        var answer = loop.PollAsync(_ => ValueTask.FromResult(++polls < 3 ? null : "lock taken"), CancellationToken.None);
        for (var i = 1; i <= 2; i++)
        {
            await _clock.TimersAsync(i);
            Assert.False(answer.IsCompleted);
            _fake.Advance(TimeSpan.FromSeconds(3));
        }

        Assert.Equal("lock taken", await answer.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.All(_failures, f => Assert.Null(f.Exception));
    }

    [Fact]
    public async Task Stopping_during_a_delay_ends_the_loop_without_another_attempt()
    {
        using var stop = new CancellationTokenSource();
        var running = Loop(Doubling).RunAsync(_ => Fail(), stop.Token);
        await NextAttemptAsync();
        await _clock.TimersAsync(1);

        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _attempt);
    }

    private RetryLoop Loop(Backoff backoff) => new(backoff, _clock, f =>
    {
        lock (_failures)
        {
            _failures.Add(f);
        }
    });

    private ValueTask Fail()
    {
        _attempts.Writer.TryWrite(Interlocked.Increment(ref _attempt));
        throw new IOException("down");
    }

    private async Task NextAttemptAsync() => await _attempts.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
}
