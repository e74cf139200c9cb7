using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Gateways;

/// <summary>
/// Every third of <see cref="ControlPlaneOptions.GatewayGoneAfterSeconds"/>: vouches for the streams this replica
/// serves (so a replica that dies leaves rows that turn gone by themselves), records disconnects the store
/// missed, and prunes the rows of gateways gone longer than <see cref="ControlPlaneOptions.GatewayRetentionSeconds"/>.
/// </summary>
public sealed partial class RegistryHeartbeat(
    GatewayRegistry registry, IOptions<ControlPlaneOptions> options, TimeProvider time, ILogger<RegistryHeartbeat> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.GatewayGoneAfterSeconds / 3.0);
        var failing = false;
        using var timer = new PeriodicTimer(interval, time);
        while (true)
        {
            try
            {
                var pruned = await registry.HeartbeatAsync(stoppingToken);
                if (pruned > 0)
                {
                    LogPruned(logger, pruned);
                }

                if (failing)
                {
                    LogRecovered(logger);
                    failing = false;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The store may be away; the next beat tries again and rows turn gone meanwhile.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (!failing)
                {
                    LogFailing(logger, e);
                    failing = true;
                }
            }

            try
            {
                if (!await timer.WaitForNextTickAsync(stoppingToken))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned the registry rows of {Count} gateway(s) gone longer than gateway_retention_s")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway registry cannot be updated; gateways served here may show as gone until the store is back")]
    private static partial void LogFailing(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "The gateway registry is updated again")]
    private static partial void LogRecovered(ILogger logger);
}
