using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;

namespace OutputGuard.Agent.Gateway.Hosting;

/// <summary>
/// The host's first start step, before any loop runs or anything listens (every check passed and the lock is ours):
/// the table exists with forward policy drop (created, or adopted as found), then the saved state is enforced when it
/// passes its checks. A failure here fails the start (exit 1) with the table left dropping. Once everything has
/// started it prints the ready line; after the host has stopped, an observing gateway turns observe mode off again.
/// </summary>
public sealed class FailClosedStart(
    AllowListEnforcer enforcer,
    AppliedState state,
    StateFile stateFile,
    GatewayStatus status,
    GatewayMetrics metrics,
    BoundedSeriesMeter series,
    GatewayStartup startup,
    ILoggerFactory loggers) : IHostedLifecycleService
{
    // The category the gateway's own start and stop messages have always had.
    private readonly ILogger _logger = loggers.CreateLogger(GatewayConfiguration.Program.Name);

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        enforcer.Start();
        SavedState.Restore(stateFile, state, _logger);
        if (startup.Options.Observe)
        {
            Log.ObserveMode(_logger);
        }

        status.Elements = enforcer.ElementCount;
        GC.KeepAlive(metrics);
        GC.KeepAlive(series);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        Log.MetricsListening(_logger, startup.Options.MetricsAddress);
        Console.WriteLine($"ready; metrics {startup.Options.MetricsAddress} revision {status.Revision}");
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (startup.Options.Observe)
        {
            // Observe mode lasts only while this gateway runs: leave the table dropping what is not allowed.
            using var closing = new AllowListEnforcer(GatewayStartup.Connect(startup.Options), startup.Settings with { Observe = false }, _logger);
            closing.Start();
            Log.ObserveModeOff(_logger);
        }

        return Task.CompletedTask;
    }
}
