using Grpc.Core;
using Microsoft.Extensions.Logging;
using OutputGuard.Hosting;
using Polly;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Runs the sync stream again and again, forever: each failure (a stream that ended counts as one) is counted, shown
/// as disconnected and logged with the delay about to be waited (<see cref="Reconnect"/>: exponential, with jitter).
/// The backoff starts again from the shortest delay only after a stream that stayed up <see cref="StableStream"/>, so
/// a stream that fails at once (a broken table, a refused token) does not reconnect several times a second.
/// </summary>
public sealed class ReconnectLoop
{
    /// <summary>A stream that lasted this long resets the backoff.</summary>
    public static readonly TimeSpan StableStream = TimeSpan.FromSeconds(10);

    /// <summary>The delays between attempts: from 250 ms, doubling, up to 30 s, each between half and all of that.</summary>
    public static readonly Backoff Reconnect = new(DelayBackoffType.Exponential, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30), 0.5, 1.0);

    private readonly GatewayStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RetryLoop _retry;

    /// <summary>Creates the loop.</summary>
    public ReconnectLoop(GatewayStatus status, TimeProvider time, ILogger logger)
    {
        _status = status ?? throw new ArgumentNullException(nameof(status));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _retry = new RetryLoop(Reconnect, time, OnFailed);
    }

    /// <summary>The delay before retry number <paramref name="attempt"/> (from 0): exponential, capped, with jitter.</summary>
    public static TimeSpan Backoff(int attempt) => Reconnect.Delay(attempt);

    /// <summary>Runs <paramref name="stream"/> until <paramref name="cancellationToken"/> stops it, then shows disconnected.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            await _retry.RunAsync(
                async run =>
                {
                    var started = _time.GetTimestamp();
                    try
                    {
                        _status.SetState(SyncState.Connecting);
                        await stream(run.CancellationToken);
                        throw new RpcException(new Status(StatusCode.Unavailable, "the control plane ended the stream"));
                    }
                    finally
                    {
                        if (_time.GetElapsedTime(started) >= StableStream)
                        {
                            run.Healthy();
                        }
                    }
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        _status.SetState(SyncState.Disconnected);
    }

    private void OnFailed(RetryFailure failure)
    {
        _status.CountFailure();
        _status.SetState(SyncState.Disconnected);
        var delay = (long)failure.Delay.TotalMilliseconds;
        if (failure.Exception is StreamRejectedException rejected)
        {
            Log.StreamRejected(_logger, rejected.Address, rejected.Status.StatusCode.ToString(), rejected.Status.Detail, delay);
        }
        else
        {
            var ex = failure.Exception!;
            Log.SyncFailed(_logger, ex is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : ex.Message, delay);
        }
    }
}
