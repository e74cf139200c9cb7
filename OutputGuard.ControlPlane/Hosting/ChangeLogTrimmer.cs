using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>Keeps the change log to its configured window of revisions, once a minute.</summary>
public sealed partial class ChangeLogTrimmer(IControlPlaneStore store, IOptions<ControlPlaneOptions> options, ILogger<ChangeLogTrimmer> logger, TimeProvider time)
    : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        do
        {
            try
            {
                var removed = await store.TrimChangeLogAsync(options.Value.ChangeLogRevisions, stoppingToken);
                if (removed > 0)
                {
                    LogTrimmed(logger, removed);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Trimmed {Rows} change-log rows")]
    private static partial void LogTrimmed(ILogger logger, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not trim the change log; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
