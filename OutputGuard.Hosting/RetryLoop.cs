using Polly;
using Polly.Retry;

namespace OutputGuard.Hosting;

/// <summary>
/// The one retry pipeline of the programs' loops: Polly.Core's retry strategy on a <see cref="TimeProvider"/> (tests
/// use a fake one), waiting what a <see cref="Backoff"/> says between attempts. An attempt that throws — anything but
/// the cancellation of the loop itself, and only what <c>handles</c> accepts — is reported to the failure callback
/// with the delay about to be waited, then tried again, up to <c>maxRetries</c> times (forever by default). An attempt
/// that calls <see cref="RetryRun.Healthy"/> makes the next failure start again from the first delay.
/// </summary>
public sealed class RetryLoop
{
    /// <summary>Set by <see cref="RetryRun.Healthy"/>.</summary>
    internal static readonly ResiliencePropertyKey<bool> HealthyKey = new("outputguard.retry.healthy");

    /// <summary>The attempt number at which the backoff was last started again.</summary>
    private static readonly ResiliencePropertyKey<int> ResetAtKey = new("outputguard.retry.reset-at");

    private readonly ResiliencePipeline _pipeline;

    /// <summary>Creates the loop's pipeline.</summary>
    /// <param name="backoff">The delays between attempts.</param>
    /// <param name="time">The clock the delays run on.</param>
    /// <param name="failed">Told of each failed attempt before its delay (log it, count it).</param>
    /// <param name="handles">Which exceptions are retried (default: all); others end the loop.</param>
    /// <param name="maxRetries">How many retries at most (default: forever).</param>
    public RetryLoop(Backoff backoff, TimeProvider time, Action<RetryFailure>? failed = null, Func<Exception, bool>? handles = null, int maxRetries = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(backoff);
        ArgumentNullException.ThrowIfNull(time);
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = maxRetries,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    null => args.Outcome.Result is Again,
                    OperationCanceledException when args.Context.CancellationToken.IsCancellationRequested => false,
                    var e => handles?.Invoke(e) ?? true,
                }),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(backoff.Delay(AttemptSinceHealthy(args.Context, args.AttemptNumber))),
                OnRetry = args =>
                {
                    failed?.Invoke(new RetryFailure(args.Outcome.Exception, args.RetryDelay, AttemptSinceHealthy(args.Context, args.AttemptNumber)));
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="attempt"/> until it returns, retrying each failure; throws when the loop stops or gives up.</summary>
    public async Task RunAsync(Func<RetryRun, ValueTask> attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await RunAsync<object?>(
            async run =>
            {
                await attempt(run).ConfigureAwait(false);
                return null;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="attempt"/> until it returns a result, retrying each failure; throws when the loop stops or gives up.</summary>
    public Task<T> RunAsync<T>(Func<RetryRun, ValueTask<T>> attempt, CancellationToken cancellationToken) =>
        RunCoreAsync(attempt, again: null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="attempt"/> until it returns a result that is not null, waiting the backoff after a null as after
    /// a failure (a poll: "not yet"); throws when the loop stops or gives up.
    /// </summary>
    public async Task<T> PollAsync<T>(Func<RetryRun, ValueTask<T?>> attempt, CancellationToken cancellationToken)
        where T : class =>
        (await RunCoreAsync<T?>(attempt, again: r => r is null, cancellationToken).ConfigureAwait(false))!;

    private static int AttemptSinceHealthy(ResilienceContext context, int attempt)
    {
        if (context.Properties.TryGetValue(HealthyKey, out var healthy) && healthy)
        {
            context.Properties.Set(HealthyKey, false);
            context.Properties.Set(ResetAtKey, attempt);
        }

        return attempt - (context.Properties.TryGetValue(ResetAtKey, out var resetAt) ? resetAt : 0);
    }

    private async Task<T> RunCoreAsync<T>(Func<RetryRun, ValueTask<T>> attempt, Func<T, bool>? again, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await _pipeline.ExecuteAsync(
                static async (context, state) =>
                {
                    var result = await state.attempt(new RetryRun(context)).ConfigureAwait(false);
                    return state.again?.Invoke(result) == true ? (object)new Again(result) : result;
                },
                context,
                (attempt, again)).ConfigureAwait(false);
            return outcome is Again last ? (T)last.Result! : (T)outcome!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>A result that asks for another attempt.</summary>
    private sealed record Again(object? Result);
}
