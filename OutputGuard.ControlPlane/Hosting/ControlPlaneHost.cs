using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>Builds the control plane's web application from validated options and an opened store.</summary>
public static class ControlPlaneHost
{
    /// <summary>
    /// Loads the certificate, opens and migrates the store, makes sure a token exists, and builds the application
    /// (nothing listens or resolves until the caller starts it; <see cref="StartupChecks"/> runs before).
    /// The returned <c>CreatedToken</c> is the secret of a token created now (print it once), else null.
    /// </summary>
    public static async Task<(WebApplication App, string? CreatedToken)> BuildAsync(
        ControlPlaneOptions options, TimeProvider? time = null, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var resources = await ControlPlaneResources.OpenAsync(options, time ?? TimeProvider.System, cancellationToken);
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddControlPlaneServices(resources);
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapControlPlaneEndpoints(resources);
        return (app, resources.CreatedToken);
    }
}
