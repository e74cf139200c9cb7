using Microsoft.Extensions.Hosting;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Reports traffic to the control plane: on every stream the sync loop opens, one <see cref="TrafficReport"/> of the
/// kernel's counters each report interval (the first one interval after the stream was accepted), with the
/// addresses the DNS proxy learned since the last one, until the stream ends; then it waits for the next one. A
/// report that cannot be sent ends the reporting on that stream.
/// </summary>
public sealed class TrafficReporter(SyncClient sync, KernelCounterReader counters, GatewayOptions options, TimeProvider time, Dns.DnsSync? dns = null) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromMilliseconds(options.ReportIntervalMs);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var stream = await sync.Streams.ReadAsync(stoppingToken);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, stream.Ended);
                try
                {
                    while (!linked.IsCancellationRequested)
                    {
                        await Task.Delay(interval, time, linked.Token);
                        var report = TrafficReportBuilder.Build(counters.Read(), time.GetUtcNow());
                        await stream.WriteAsync(new GatewayMessage { Traffic = report }, linked.Token);
                        if (dns?.TakeReport() is { } learned)
                        {
                            await stream.WriteAsync(new GatewayMessage { Learned = learned }, linked.Token);
                        }
                    }
                }
#pragma warning disable CA1031 // A report that cannot be sent ends reporting on this stream; the sync loop reconnects.
                catch (Exception) when (!stoppingToken.IsCancellationRequested)
#pragma warning restore CA1031
                {
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
