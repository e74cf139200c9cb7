namespace OutputGuard.Hosting;

/// <summary>One failed attempt of a <see cref="RetryLoop"/>, as its failure callback sees it before the delay.</summary>
/// <param name="Exception">What the attempt threw; null when it returned a result that asks for another attempt.</param>
/// <param name="Delay">How long the loop waits before the next attempt.</param>
/// <param name="Attempt">The attempt's number since the loop was last healthy (from 0).</param>
public readonly record struct RetryFailure(Exception? Exception, TimeSpan Delay, int Attempt);
