using System.Globalization;
using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OutputGuard.Agent.Gateway;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Dns;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Configuration.Startup;
using OutputGuard.Configuration.Values;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;

// The gateway agent: enforces the published allow-list in nf_tables, follows the control plane, exports counters.
// Start-up is all-or-nothing: the configuration (exit 2), then every check (exit 1), then the table, then the listener.
var report = new StartupReport(GatewayConfiguration.Program.Name, Console.Error);
var loaded = GatewayConfiguration.Load(args, ProcessEnvironment.Variables(), Console.Out);
if (report.ExitCodeFor(loaded) is { } exit)
{
    if (exit == ExitCodes.Configuration && ValueChecks.Boolean(loaded.Sources.RawText("cleanup") ?? "false") != true)
    {
        FailClosed.AfterConfigurationError(loaded.Sources.RawText("netns"), Console.Out);
    }

    return exit;
}

var options = loaded.Options!;

using var preflight = Preflight.Run(options);
if (preflight.Problems.Count > 0)
{
    var code = report.StartFailed(string.Join("; ", preflight.Problems));
    if (preflight.KernelReachable && !options.Cleanup)
    {
        FailClosed.Install(options.Netns, "start failed", Console.Out);
    }

    return code;
}

NftConnection Connect() => options.Netns is null ? NftConnection.Open() : NftConnection.OpenIn(options.Netns);

if (options.Cleanup)
{
    using var nft = Connect();
    Console.WriteLine(AllowListEnforcer.Cleanup(nft)
        ? $"outputguard-gateway: removed the table inet {TableLayout.TableName}"
        : $"outputguard-gateway: there was no table inet {TableLayout.TableName}");
    return 0;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });

// Bound once, by the pipeline: no other configuration source (environment, appsettings) reaches the program.
builder.Configuration.Sources.Clear();
builder.Host.UseSystemd();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.WebHost.ConfigureKestrel(k => k.Listen(IPEndPoint.Parse(options.MetricsAddress)));
builder.Services.AddSingleton(Options.Create(options));
builder.Services.AddSingleton(options);
var settings = new EnforcerSettings
{
    Observe = options.Observe,
    Internal = InternalRanges.Create(GatewayOptionsValidator.ParsePrefixes(options.InternalRanges), GatewayOptionsValidator.ParsePrefixes(options.TreatAsPublic)),
    Clients = GatewayOptionsValidator.ParsePrefixes(options.ClientRanges),
    DnsRedirect = DnsProxySettings.From(options).RedirectTargets,
    Owner = string.Create(CultureInfo.InvariantCulture, $"owner outputguard-gateway pid {Environment.ProcessId} (lock {preflight.Lock!.Path})"),
};
builder.Services.AddSingleton(sp => new AllowListEnforcer(Connect(), settings, sp.GetRequiredService<ILoggerFactory>().CreateLogger<AllowListEnforcer>()));
builder.Services.AddSingleton(sp => new KernelCounterReader(
    Connect(), TimeSpan.FromMilliseconds(options.CountersIntervalMs), options.DeniedMetricsLimit, sp.GetRequiredService<ILoggerFactory>().CreateLogger<KernelCounterReader>()));
builder.Services.AddSingleton<AgentState>();
builder.Services.AddSingleton<GatewayStatus>();
builder.Services.AddSingleton<GatewayMetrics>();
builder.Services.AddHostedService<SyncClient>();
builder.Services.AddHostedService<DriftRepair>();
builder.Services.AddDnsProxy(options, settings);
builder.Services.AddOpenTelemetry().WithMetrics(m => m
    .AddMeter(GatewayMetrics.MeterName)
    // Every destination is two series per metric (OUTPUT, INPUT); the SDK's default limit of 2000 points would
    // silently drop the rest. The points are preallocated, so the limit is a flag (--max-destination-series).
    .AddView("iptables_bytes_count", new MetricStreamConfiguration { CardinalityLimit = options.MaxDestinationSeries })
    .AddView("iptables_packets_count", new MetricStreamConfiguration { CardinalityLimit = options.MaxDestinationSeries })
    .AddView("outputguard_apply_duration_seconds", new ExplicitBucketHistogramConfiguration
    {
        Boundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    })
    .AddPrometheusExporter(o =>
    {
        o.ScopeInfoEnabled = false;
        o.TargetInfoEnabled = false;

        // The kernel reader has its own interval (--counters-interval-ms); a second cache would only add staleness.
        o.ScrapeResponseCacheDurationMilliseconds = 0;
    }));

var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("outputguard-gateway");
var status = app.Services.GetRequiredService<GatewayStatus>();
try
{
    // Every check passed and the lock is ours: the table (forward policy drop) exists, then the saved state is enforced.
    var enforcer = app.Services.GetRequiredService<AllowListEnforcer>();
    enforcer.Start();
    SavedState.Restore(new StateFile(options.StateFile), enforcer, app.Services.GetRequiredService<AgentState>(), status, logger);

    if (options.Observe)
    {
        Log.ObserveMode(logger);
    }

    status.Elements = enforcer.ElementCount;
    _ = app.Services.GetRequiredService<GatewayMetrics>();
    app.MapPrometheusScrapingEndpoint("/metrics");
    app.MapGet("/healthz", () => GatewayHealth.Answer(status, options.Observe));
    await app.StartAsync();
}
catch (Exception e) when (e is IOException or NetlinkException or InvalidOperationException)
{
    return report.StartFailed(e is IOException ? $"metrics_address {options.MetricsAddress}: {e.Message}" : e.Message);
}

Log.MetricsListening(logger, options.MetricsAddress);
Console.WriteLine($"ready; metrics {options.MetricsAddress} revision {status.Revision}");
await app.WaitForShutdownAsync();
if (options.Observe)
{
    // Observe mode lasts only while this gateway runs: leave the table dropping what is not allowed.
    using var closing = new AllowListEnforcer(Connect(), settings with { Observe = false }, logger);
    closing.Start();
    Log.ObserveModeOff(logger);
}

return 0;
