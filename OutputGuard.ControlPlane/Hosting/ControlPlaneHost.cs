using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Auth;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Learning;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.State;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Store.MySql;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.ControlPlane.Traffic;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>Builds the control plane's web application from validated options and an opened store.</summary>
public static class ControlPlaneHost
{
    /// <summary>
    /// Loads the certificate, opens and migrates the store, makes sure a token exists, and builds the application
    /// (nothing listens or resolves until the caller starts it; <see cref="StartupChecks"/> runs before).
    /// <paramref name="createdToken"/> is the secret of a token created now (print it once), else null.
    /// </summary>
    public static async Task<(WebApplication App, string? CreatedToken)> BuildAsync(
        ControlPlaneOptions options, TimeProvider? time = null, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;

        // Everything that can be refused is checked before the store is opened or migrated.
        var certificate = LoadCertificate(options);
        var validator = EntryValidator.FromOptions(options);
        var mySqlConnectionString = options.UsesMySql
            ? MySqlConnectionStrings.FromLegacyKeys(
                options.DbServer, options.DbPort.ToString(System.Globalization.CultureInfo.InvariantCulture), options.DbUser, options.DbPassword, options.DbName, options.DbPoolSize)
            : null;
        var store = StoreFactory.Create(new StoreOptions
        {
            MySqlConnectionString = mySqlConnectionString,
            DataDirectory = options.DataDir,
            TimeProvider = time,
        });
        await store.MigrateAsync(cancellationToken);
        await WildcardStartCheck.RunAsync(store, validator, cancellationToken);
        var suppression = await InternalEntries.ReconcileAsync(store, validator.InternalRanges, cancellationToken);
        var tokens = new TokenRegistry();
        var created = await TokenBootstrap.InitializeAsync(options, store, tokens, time, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder();

        // The options were bound once by the configuration pipeline: no other source (environment, appsettings) reaches the program.
        builder.Configuration.Sources.Clear();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        var listeners = new Listeners { Tls = options.TlsCert is not null };
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
        services.AddSingleton(time);
        services.AddSingleton(store);
        services.AddSingleton(validator);
        services.AddSingleton(tokens);
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
        services.AddSingleton(new DnsLookup(
            NameServerAddress.ParseAll(options.ResolverNameServers),
            TimeSpan.FromMilliseconds(options.ResolverTimeoutMs),
            options.ResolverCnameDepth,
            validator.InternalRanges));
        services.AddSingleton<IResolverLease>(sp => mySqlConnectionString is null
            ? new SingleProcessLease()
            : new MySqlResolverLease(
                mySqlConnectionString, TimeSpan.FromSeconds(options.ResolverLeaseSeconds), sp.GetRequiredService<ILogger<MySqlResolverLease>>()));
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
            o.MaxReceiveMessageSize = 4 * 1024 * 1024;
            o.EnableDetailedErrors = false;
        }).AddJsonTranscoding();
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
        configure?.Invoke(builder);

        var app = builder.Build();
        InternalEntries.Report(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InternalEntries)), suppression);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<JsonRequestCheck>();
        app.MapGrpcService<EntryApi>();
        app.MapGrpcService<DesiredStateApi>();
        app.MapGrpcService<GatewayApi>();
        app.MapGrpcService<AuditApi>();
        app.MapGrpcService<TrafficApi>();
        app.MapGrpcService<GatewaySyncApi>();
        app.MapGrpcReflectionService().AllowAnonymous();
        app.MapGrpcHealthChecksService().AllowAnonymous();
        app.MapHealthChecks("/healthz").AllowAnonymous();
        // Metrics need a reader token like the rest of the API (Prometheus: authorization.credentials).
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(Roles.CanRead);
        app.Services.GetRequiredService<ControlPlaneMetrics>();
        return (app, created);
    }

    private static X509Certificate2? LoadCertificate(ControlPlaneOptions options)
    {
        if (options.TlsCert is null)
        {
            return null;
        }

        if (!OperatingSystem.IsWindows() && File.Exists(options.TlsKey)
            && (File.GetUnixFileMode(options.TlsKey!) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
        {
            throw new ConfigurationException(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"tls_key: '{options.TlsKey}' is readable or writable by group or others (mode {Convert.ToString((int)File.GetUnixFileMode(options.TlsKey!), 8)}); make it private: chmod 600 '{options.TlsKey}'"));
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(options.TlsCert, options.TlsKey);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigurationException($"tls_cert/tls_key: cannot load '{options.TlsCert}' with '{options.TlsKey}': {e.Message}", e);
        }
    }
}
