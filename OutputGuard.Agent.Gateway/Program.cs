using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OutputGuard.Agent.Gateway;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Netlink.Addressing;
using OutputGuard.Netlink.Nftables;

// The gateway agent: enforces the published allow-list in nf_tables, follows the control plane, exports counters.
Dictionary<string, string?> flags;
try
{
    flags = GatewayArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"outputguard-gateway: {ex.Message}");
    return 2;
}

var options = new GatewayOptions();
new ConfigurationBuilder().AddInMemoryCollection(flags).Build().GetSection(GatewayOptions.Section).Bind(options);
var validation = new GatewayOptionsValidator().Validate(null, options);
if (validation.Failed)
{
    foreach (var failure in validation.Failures)
    {
        Console.Error.WriteLine($"outputguard-gateway: {failure}");
    }

    return 2;
}

var problems = Preflight.Check(options.Netns, needForwarding: !options.Cleanup);
if (problems.Count > 0)
{
    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"outputguard-gateway: {problem}");
    }

    return 3;
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
builder.Configuration.AddInMemoryCollection(flags);
builder.Host.UseSystemd();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.WebHost.ConfigureKestrel(k => k.Listen(IPEndPoint.Parse(options.MetricsAddress)));
builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section)).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<GatewayOptions>>().Value);
var settings = new EnforcerSettings
{
    Observe = options.Observe,
    Internal = InternalRanges.Create(GatewayOptionsValidator.ParsePrefixes(options.Internal), GatewayOptionsValidator.ParsePrefixes(options.TreatAsPublic)),
    Clients = GatewayOptionsValidator.ParsePrefixes(options.ClientRanges),
};
builder.Services.AddSingleton(sp => new AllowListEnforcer(Connect(), settings, sp.GetRequiredService<ILoggerFactory>().CreateLogger<AllowListEnforcer>()));
builder.Services.AddSingleton(sp => new KernelCounterReader(
    Connect(), TimeSpan.FromMilliseconds(options.CountersIntervalMs), options.DeniedMetricsLimit, sp.GetRequiredService<ILoggerFactory>().CreateLogger<KernelCounterReader>()));
builder.Services.AddSingleton<AgentState>();
builder.Services.AddSingleton<GatewayStatus>();
builder.Services.AddSingleton<GatewayMetrics>();
builder.Services.AddHostedService<SyncClient>();
builder.Services.AddHostedService<DriftRepair>();
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

// Fail closed before anything else: the table (forward policy drop) exists, then the saved state is enforced.
var enforcer = app.Services.GetRequiredService<AllowListEnforcer>();
enforcer.Start();
var state = app.Services.GetRequiredService<AgentState>();
var status = app.Services.GetRequiredService<GatewayStatus>();
SavedState.Restore(new StateFile(options.StateFile), enforcer, state, status, logger);
status.Elements = enforcer.ElementCount;
_ = app.Services.GetRequiredService<GatewayMetrics>();
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapGet("/healthz", () => GatewayHealth.Answer(status));
await app.StartAsync();
Log.MetricsListening(logger, options.MetricsAddress);
Console.WriteLine($"ready; metrics {options.MetricsAddress} revision {status.Revision}");
await app.WaitForShutdownAsync();
return 0;
