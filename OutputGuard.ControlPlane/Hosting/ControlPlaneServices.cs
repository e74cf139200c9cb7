using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OutputGuard.ControlPlane.Admin;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Auth;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Learning;
using OutputGuard.ControlPlane.Legacy;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.ControlPlane.Traffic;
using OutputGuard.Hosting;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>The control plane's host: its services (the loops among them, one per hosted service) and its endpoints.</summary>
public static class ControlPlaneServices
{
    /// <summary>Registers the listeners, the store and every service of the control plane over <paramref name="resources"/>.</summary>
    public static WebApplicationBuilder AddControlPlaneServices(this WebApplicationBuilder builder, ControlPlaneResources resources)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(resources);
        var options = resources.Options;

        // The options were bound once by the configuration pipeline: no other source (environment, appsettings) reaches the program.
        builder.Configuration.Sources.Clear();
        builder.Logging.AddSingleLineConsole();
        var listeners = new Listeners { Tls = options.TlsCert is not null };
        var certificate = resources.Certificate;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(ListenAddress.Parse(options.HttpAddress, "http_address"), listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }

                listeners.Http = listen;
            });
            kestrel.Listen(ListenAddress.Parse(options.GrpcAddress, "grpc_address"), listen =>
            {
                // Cleartext HTTP/2 needs a port of its own; with TLS, ALPN lets one port carry both.
                listen.Protocols = certificate is null ? HttpProtocols.Http2 : HttpProtocols.Http1AndHttp2;
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }

                listeners.Grpc = listen;
            });
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(10);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        });

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(resources.Time);
        services.AddSingleton(resources.Store);
        services.AddSingleton(resources.Validator);
        services.AddSingleton(resources.Tokens);
        services.AddSingleton(listeners);
        services.AddSingleton<ChangeFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<ChangeFeed>());
        services.AddHostedService<ChangeLogTrimmer>();
        services.AddDomainRules();
        services.AddSingleton<GatewayRegistry>();
        services.AddHostedService<RegistryHeartbeat>();
        services.AddSingleton<SnapshotCache>();
        services.AddSingleton<TrafficWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<TrafficWriter>());
        services.AddSingleton<AllowList>();
        services.AddLegacyMigration(options);
        services.AddSingleton(new DnsLookup(
            NameServerAddress.ParseAll(options.ResolverNameServers),
            TimeSpan.FromMilliseconds(options.ResolverTimeoutMs),
            options.ResolverCnameDepth,
            resources.Validator.InternalRanges));
        services.AddSingleton<IResolverLease>(sp => resources.MySqlConnectionString is null
            ? new SingleProcessLease()
            : new MySqlResolverLease(
                resources.MySqlConnectionString, TimeSpan.FromSeconds(options.ResolverLeaseSeconds), sp.GetRequiredService<ILogger<MySqlResolverLease>>()));
        services.AddSingleton<DomainResolver>();
        services.AddHostedService(sp => sp.GetRequiredService<DomainResolver>());

        services.AddAuthentication(BearerTokenHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.CanRead, p => p.RequireRole(Roles.Viewer, Roles.Editor, Roles.Admin))
            .AddPolicy(Roles.CanWrite, p => p.RequireRole(Roles.Editor, Roles.Admin))
            .AddPolicy(Roles.CanAdminister, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Roles.CanSync, p => p.RequireRole(Roles.Gateway));

        services.AddGrpc(o =>
        {
            o.Interceptors.Add<ErrorStatusInterceptor>();
            o.Interceptors.Add<InputBoundsInterceptor>();
            o.MaxReceiveMessageSize = InputLimits.MaxRequestBytes;
            o.EnableDetailedErrors = false;
        })
            // BatchCreateEntries takes up to 100,000 entries; GrpcRequestSizeCheck holds the service's other methods to the default.
            .AddServiceOptions<EntryApi>(o => o.MaxReceiveMessageSize = InputLimits.MaxBatchBytes)
            .AddJsonTranscoding();
        services.AddCheckedRequestParsing();
        services.AddSingleton<ControlPlaneMetrics>();
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(ControlPlaneMetrics.MeterName, ResolverStats.MeterName)
            .AddPrometheusExporter(o =>
            {
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            }));
        services.AddGrpcReflection();
        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store");
        services.AddGrpcHealthChecks();
        builder.AddAdminPage();
        return builder;
    }

    /// <summary>Maps the middleware and the endpoints: the gRPC services (and their JSON transcoding), reflection, health, metrics.</summary>
    public static WebApplication MapControlPlaneEndpoints(this WebApplication app, ControlPlaneResources resources)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(resources);
        InternalEntries.Report(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InternalEntries)), resources.Suppression);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<JsonRequestCheck>();
        app.UseMiddleware<Batch.GrpcRequestSizeCheck>();
        app.MapAdminPage();
        app.MapGrpcService<EntryApi>();
        app.MapGrpcService<DesiredStateApi>();
        app.MapGrpcService<GatewayApi>();
        app.MapGrpcService<AuditApi>();
        app.MapGrpcService<TrafficApi>();
        app.MapGrpcService<GatewaySyncApi>();
        app.MapLegacyApi(resources.Options);
        app.MapGrpcReflectionService().AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        // Metrics need a reader token like the rest of the API (Prometheus: authorization.credentials).
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Roles.CanRead);
        app.Services.GetRequiredService<ControlPlaneMetrics>();
        return app;
    }
}
