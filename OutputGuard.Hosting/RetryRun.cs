using Polly;

namespace OutputGuard.Hosting;

/// <summary>One attempt of a <see cref="RetryLoop"/>: its cancellation, and the way to say it ran healthily.</summary>
public readonly struct RetryRun : IEquatable<RetryRun>
{
    private readonly ResilienceContext _context;

    internal RetryRun(ResilienceContext context) => _context = context;

    /// <summary>Cancelled when the loop stops.</summary>
    public CancellationToken CancellationToken => _context.CancellationToken;

    /// <summary>The attempt did what it is for: the next failure waits the first delay again.</summary>
    public void Healthy() => _context.Properties.Set(RetryLoop.HealthyKey, true);

    /// <inheritdoc />
    public bool Equals(RetryRun other) => ReferenceEquals(_context, other._context);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RetryRun other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _context?.GetHashCode() ?? 0;

    /// <summary>Whether two runs are the same attempt's.</summary>
    public static bool operator ==(RetryRun left, RetryRun right) => left.Equals(right);

    /// <summary>Whether two runs are different attempts'.</summary>
    public static bool operator !=(RetryRun left, RetryRun right) => !left.Equals(right);
}
