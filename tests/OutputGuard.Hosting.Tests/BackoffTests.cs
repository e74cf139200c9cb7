using Polly;

namespace OutputGuard.Hosting.Tests;

public sealed class BackoffTests
{
    [Fact]
    public void Exponential_ceiling_doubles_up_to_its_cap()
    {
        var backoff = new Backoff(DelayBackoffType.Exponential, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));

        Assert.Equal([100, 200, 400, 500, 500], Enumerable.Range(0, 5).Select(a => backoff.Delay(a).TotalMilliseconds));
    }

    [Fact]
    public void Linear_and_constant_ceilings_grow_as_their_names_say()
    {
        var linear = new Backoff(DelayBackoffType.Linear, TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        var constant = new Backoff(DelayBackoffType.Constant, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2));

        Assert.Equal([10, 20, 30], Enumerable.Range(0, 3).Select(a => linear.Ceiling(a).TotalMilliseconds));
        Assert.Equal([2, 2, 2], Enumerable.Range(0, 3).Select(a => constant.Delay(a).TotalSeconds));
    }

    [Fact]
    public void Jitter_stays_within_its_fractions_of_the_ceiling_and_varies()
    {
        var backoff = new Backoff(DelayBackoffType.Exponential, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), 0.5, 1.5);

        var delays = Enumerable.Range(0, 200).Select(_ => backoff.Delay(2)).ToList();

        Assert.All(delays, d => Assert.InRange(d.TotalSeconds, 2, 6));
        Assert.True(delays.Distinct().Count() > 1);
        Assert.Equal(TimeSpan.FromSeconds(2), backoff.Delay(2, 0));
        Assert.Equal(TimeSpan.FromSeconds(6), backoff.Delay(2, 1));
    }

    [Fact]
    public void A_huge_attempt_number_stays_at_the_cap()
    {
        var backoff = new Backoff(DelayBackoffType.Exponential, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Delay(int.MaxValue));
    }
}
