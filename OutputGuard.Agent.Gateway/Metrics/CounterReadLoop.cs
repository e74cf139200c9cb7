using Microsoft.Extensions.Hosting;

namespace OutputGuard.Agent.Gateway.Metrics;

/// <summary>
/// Reads the kernel's counters on a schedule of its own, decoupled from scrapes and reports (which serve the latest
/// reading): one read, then a wait of the interval, or longer when the read was costly, so that reading takes at most
/// <see cref="MaxShare"/> of one core (a read of 2 s waits 18 s).
/// </summary>
public sealed class CounterReadLoop(KernelCounterReader reader, CounterSeries series, TimeSpan interval, TimeProvider time) : BackgroundService
{
    /// <summary>The most of one core the reads take: a read of d seconds is followed by a wait of at least d × (1 / share − 1).</summary>
    public const double MaxShare = 0.1;

    /// <summary>The shortest wait between two reads, whatever the interval (0 in tests: as often as this allows).</summary>
    public static readonly TimeSpan MinWait = TimeSpan.FromMilliseconds(50);

    private readonly Hosting.HeapTrim _trim = new();

    /// <summary>The wait after a read that took <paramref name="readSeconds"/>, given the configured <paramref name="interval"/>.</summary>
    public static TimeSpan Wait(TimeSpan interval, double readSeconds)
    {
        var share = TimeSpan.FromSeconds(readSeconds * ((1 / MaxShare) - 1));
        var wait = share > interval ? share : interval;
        return wait > MinWait ? wait : MinWait;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first reading off the start path, so that the host does not wait for a dump of a large table.
        await Task.Yield();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var read = reader.Refresh(series.Choose);
                _trim.AfterLargeWork();
                var wait = Wait(interval, read.ReadSeconds);
                await Task.Delay(wait, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
