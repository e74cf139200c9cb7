using Polly;

namespace OutputGuard.Hosting;

/// <summary>
/// How long a loop waits before retry number N (from 0): a ceiling that grows the way Polly's
/// <see cref="DelayBackoffType"/> says (constant, linear, or doubling) from <see cref="First"/> up to
/// <see cref="Max"/>, and a delay drawn uniformly between <see cref="JitterFrom"/> and <see cref="JitterTo"/> times
/// that ceiling, so that many processes retrying at once spread out. Equal bounds mean no jitter.
/// </summary>
/// <param name="Growth">How the ceiling grows with each attempt.</param>
/// <param name="First">The ceiling of the first retry.</param>
/// <param name="Max">The largest ceiling.</param>
/// <param name="JitterFrom">The smallest fraction of the ceiling waited.</param>
/// <param name="JitterTo">The largest fraction of the ceiling waited.</param>
public sealed record Backoff(DelayBackoffType Growth, TimeSpan First, TimeSpan Max, double JitterFrom = 1, double JitterTo = 1)
{
    /// <summary>The ceiling of retry number <paramref name="attempt"/> (from 0), before jitter.</summary>
    public TimeSpan Ceiling(int attempt)
    {
        var n = Math.Max(0, attempt);
        var milliseconds = Growth switch
        {
            DelayBackoffType.Constant => First.TotalMilliseconds,
            DelayBackoffType.Linear => First.TotalMilliseconds * (n + 1.0),
            _ => First.TotalMilliseconds * Math.Pow(2, Math.Min(n, 40)),
        };
        return TimeSpan.FromMilliseconds(Math.Min(milliseconds, Max.TotalMilliseconds));
    }

    /// <summary>The delay before retry number <paramref name="attempt"/> for a draw <paramref name="random"/> in [0, 1).</summary>
    public TimeSpan Delay(int attempt, double random) => Ceiling(attempt) * (JitterFrom + ((JitterTo - JitterFrom) * random));

    /// <summary>The delay before retry number <paramref name="attempt"/>, jittered at random.</summary>
#pragma warning disable CA5394 // Jitter, not security.
    public TimeSpan Delay(int attempt) => Delay(attempt, JitterFrom == JitterTo ? 0 : Random.Shared.NextDouble());
#pragma warning restore CA5394
}
