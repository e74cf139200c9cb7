using Microsoft.AspNetCore.Authorization;
using OutputGuard.ControlPlane.Admin.Components;
using OutputGuard.ControlPlane.Admin.Queries;
using OutputGuard.ControlPlane.Admin.Session;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Admin;

/// <summary>
/// The admin page on the HTTP port: Blazor components rendered interactively on the server (no WebAssembly), signed
/// in with an API token exchanged for a session cookie. The components call the domain services the gRPC API calls
/// (<see cref="Entries.AllowList"/>, the store, the resolver, the gateway registry), so roles, rules and audit are the API's.
/// </summary>
public static class AdminPage
{
    /// <summary>The session cookie's authentication scheme; the JSON and gRPC API never accept it (they take bearer tokens only).</summary>
    public const string CookieScheme = "OutputGuard.Session";

    /// <summary>Policy: see the page (viewer, editor, admin signed in with a session cookie).</summary>
    public const string CanView = "page-view";

    private static readonly string ProgramName = typeof(AdminPage).Assembly.GetName().Name!;

    /// <summary>The sign-in page.</summary>
    public const string SignInPath = "/signin";

    /// <summary>
    /// The page services: components, the session cookie, antiforgery, the page's queries and the traffic sampler; and
    /// the framework's script from the build's static web assets (a published program has it in wwwroot/ beside it).
    /// </summary>
    public static WebApplicationBuilder AddAdminPage(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (Directory.Exists(webRoot))
        {
            builder.Environment.WebRootPath = webRoot;
            builder.Environment.WebRootFileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(webRoot);
        }

        // The build's manifest names the framework files where NuGet keeps them; it is named after this program, also
        // when another process hosts it (tests, benchmarks), so it is found by this assembly's name.
        var runtimeManifest = Path.Combine(AppContext.BaseDirectory, $"{ProgramName}.staticwebassets.runtime.json");
        if (File.Exists(runtimeManifest))
        {
            // The one key the program adds to its configuration (the host reads nothing else from configuration).
            builder.Configuration.AddInMemoryCollection([new(WebHostDefaults.StaticWebAssetsKey, runtimeManifest)]);
            builder.WebHost.UseStaticWebAssets();
        }

        var services = builder.Services;
        services.AddRazorComponents().AddInteractiveServerComponents(o =>
        {
            o.DetailedErrors = false;
            o.DisconnectedCircuitMaxRetained = 20;
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(1);
        });
        services.AddCascadingAuthenticationState();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "og-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication()
            .AddCookie(CookieScheme, SessionCookie.Configure);
        services.AddAuthorizationBuilder()
            .AddPolicy(CanView, p => p.AddAuthenticationSchemes(CookieScheme).RequireRole(Roles.Viewer, Roles.Editor, Roles.Admin));
        services.AddSingleton(sp => (IAdminStore)sp.GetRequiredService<IControlPlaneStore>());
        services.AddSingleton<TrafficSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<TrafficSampler>());
        services.AddScoped<PageEditor>();
        return builder;
    }

    /// <summary>Maps the page, its assets, sign-in and sign-out; call after authentication and authorization.</summary>
    public static WebApplication MapAdminPage(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseAntiforgery();
        var endpointsManifest = Path.Combine(AppContext.BaseDirectory, $"{ProgramName}.staticwebassets.endpoints.json");
        if (File.Exists(endpointsManifest))
        {
            app.MapStaticAssets(endpointsManifest).AllowAnonymous();
        }

        app.MapAdminAssets();
        app.MapSessionEndpoints();
        app.MapRazorComponents<App>()
            .AddInteractiveServerRenderMode()
            .RequireAuthorization(new AuthorizeAttribute(CanView) { AuthenticationSchemes = CookieScheme });
        return app;
    }
}
