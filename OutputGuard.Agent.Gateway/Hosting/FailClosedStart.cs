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
        // The table first (forward policy drop at once), adopted without reading the hosts sets back (ten seconds at a
        // million hosts) when there is a saved state: applying it makes them anew. When it is not applied after all
        // (refused, torn), they are read, and the gateway holds what it found.
        enforcer.Start(deferHosts: File.Exists(stateFile.Path));
        if (!SavedState.Restore(stateFile, state, _logger))
        {
            enforcer.AdoptHosts();
        }

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
            // It only puts the rules back: the hosts sets stay as they are, unread.
            using var closing = new AllowListEnforcer(GatewayStartup.Connect(startup.Options), startup.Settings with { Observe = false }, _logger);
            closing.Start(deferHosts: true);
            Log.ObserveModeOff(_logger);
        }

        return Task.CompletedTask;
    }
}
