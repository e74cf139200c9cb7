using OutputGuard.ControlPlane.Batch;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>
/// The host's two lines for issue 17: <see cref="AddLegacyMigration"/> registers the bulk create and, when
/// <c>legacy_api.enabled</c>, the legacy HTTP API and gateway WebSocket; <see cref="MapLegacyApi"/> maps them.
/// The legacy endpoints do their own authentication (<see cref="LegacyAccess"/>), so they are anonymous to the
/// fallback policy and answer refusals in the old shape; the JSON-API check only looks at <c>/v1</c>.
/// </summary>
public static class LegacyEndpoints
{
    /// <summary>Registers <see cref="BatchCreation"/> and, when enabled, the legacy services.</summary>
    public static IServiceCollection AddLegacyMigration(this IServiceCollection services, ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<BatchCreation>();
        if (options.LegacyApiEnabled)
        {
            services.AddSingleton<LegacyAccess>();
            services.AddSingleton<LegacyHttpApi>();
            services.AddSingleton<LegacyGatewaySocket>();
        }

        return services;
    }

    /// <summary>Maps <c>/api</c>, <c>/show-all</c>, <c>/ping</c> and <c>/ws</c> when <c>legacy_api.enabled</c>.</summary>
    public static WebApplication MapLegacyApi(this WebApplication app, ControlPlaneOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.LegacyApiEnabled)
        {
            return app;
        }

        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        var api = app.Services.GetRequiredService<LegacyHttpApi>();
        var socket = app.Services.GetRequiredService<LegacyGatewaySocket>();
        app.MapGet("/api", api.ApiAsync).AllowAnonymous();
        app.MapGet("/show-all", api.ShowAllAsync).AllowAnonymous();
        app.MapGet("/ping", api.PingAsync).AllowAnonymous();
        app.MapGet("/ws", socket.ServeAsync).AllowAnonymous();
        return app;
    }
}
