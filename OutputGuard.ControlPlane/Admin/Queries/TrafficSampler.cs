using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Admin.Queries;

/// <summary>
/// Samples the traffic totals once a minute into the store's bounded history (the total and the
/// <see cref="TopDestinations"/> busiest destinations, kept for <see cref="Retention"/>), for the traffic page's chart.
/// Samples are stamped with the minute, so replicas sharing a store write the same rows.
/// </summary>
public sealed partial class TrafficSampler(IAdminStore store, TimeProvider time, ILogger<TrafficSampler> logger) : BackgroundService
{
    /// <summary>Time between samples.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>How long samples are kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>Destinations sampled besides the total.</summary>
    public const int TopDestinations = 8;

    /// <summary>Takes one sample now.</summary>
    public async Task SampleAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var at = new DateTimeOffset(now.Ticks - (now.Ticks % Interval.Ticks), TimeSpan.Zero);
        await store.AppendTrafficSampleAsync(at, TopDestinations, at - Retention, cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await SampleAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSampleFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(1501, LogLevel.Warning, "Traffic history: the sample was not written ({Reason}); the chart misses this minute")]
    private static partial void LogSampleFailed(ILogger logger, string reason);
}
