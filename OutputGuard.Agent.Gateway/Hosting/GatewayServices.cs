using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Dns;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Hosting;

namespace OutputGuard.Agent.Gateway.Hosting;

/// <summary>The gateway's host: its services, its loops (one per hosted service) and its endpoints.</summary>
public static class GatewayServices
{
    /// <summary>
    /// Registers everything the gateway runs from what <paramref name="startup"/> checked: the start step that makes
    /// the table fail closed, the enforcer and the applied state, the loops (state file, sync, traffic reports, drift
    /// repair; stopped in the reverse order, so the state file is written last), and the metrics listener.
    /// </summary>
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder, GatewayStartup startup)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(startup);
        var options = startup.Options;

        // Bound once, by the pipeline: no other configuration source (environment, appsettings) reaches the program.
        builder.Configuration.Sources.Clear();
        builder.Host.UseSystemd();
        builder.Logging.AddSingleLineConsole();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPEndPoint.Parse(options.MetricsAddress)));

        var services = builder.Services;
        services.AddSingleton(startup);
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new AllowListEnforcer(GatewayStartup.Connect(options), startup.Settings, sp.GetRequiredService<ILogger<AllowListEnforcer>>()));
        services.AddSingleton(sp => new KernelCounterReader(
            GatewayStartup.Connect(options), options.DeniedMetricsLimit, sp.GetRequiredService<ILogger<KernelCounterReader>>())
        {
            Enforcer = sp.GetRequiredService<AllowListEnforcer>(),
            QuietHostLimit = options.MetricsDestinations,
        });
        services.AddSingleton(sp => CounterReading.Series(options, sp.GetRequiredService<DomainPolicy>(), sp.GetService<DnsLearner>(), sp.GetRequiredService<AppliedState>()));
        services.AddSingleton(new StateFile(options.StateFile));
        services.AddSingleton<AppliedState>();
        services.AddSingleton<GatewayStatus>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<BoundedSeriesMeter>();
        services.AddSingleton<SyncClient>();

        services.AddHostedService<FailClosedStart>();
        services.AddHostedService(sp => new CounterReadLoop(
            sp.GetRequiredService<KernelCounterReader>(), sp.GetRequiredService<CounterSeries>(), TimeSpan.FromMilliseconds(options.CountersIntervalMs), TimeProvider.System));
        services.AddHostedService<StateFileWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<SyncClient>());
        services.AddHostedService<TrafficReporter>();
        services.AddHostedService<DriftRepair>();
        services.AddDnsProxy(options, startup.Settings);
        services.AddOpenTelemetry().WithMetrics(m => m
            .AddMeter(GatewayMetrics.MeterName)
            // Bounded series: two (OUTPUT, INPUT) per exported destination or entry, plus the two "other" ones. The SDK's
            // default of 2000 points would drop some at the default of 1000 destinations; the points are preallocated.
            .AddView("iptables_bytes_count", new MetricStreamConfiguration { CardinalityLimit = CounterReading.SeriesPerMetric(options) })
            .AddView("iptables_packets_count", new MetricStreamConfiguration { CardinalityLimit = CounterReading.SeriesPerMetric(options) })
            .AddView("outputguard_entry_bytes", new MetricStreamConfiguration { CardinalityLimit = CounterReading.SeriesPerMetric(options) })
            .AddView("outputguard_entry_packets", new MetricStreamConfiguration { CardinalityLimit = CounterReading.SeriesPerMetric(options) })
            .AddView("outputguard_counter_read_seconds", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
            })
            .AddView("outputguard_apply_duration_seconds", new ExplicitBucketHistogramConfiguration
            {
                Boundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            })
            .AddPrometheusExporter(o =>
            {
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;

                // A scrape only enumerates the latest background reading (--counters-interval-ms); a cache would add staleness.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
            }));
        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus) and <c>/healthz</c>.</summary>
    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var status = app.Services.GetRequiredService<GatewayStatus>();
        var observe = app.Services.GetRequiredService<GatewayOptions>().Observe;
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/healthz", () => GatewayHealth.Answer(status, observe));
        return app;
    }
}
