using System.Reflection;

namespace OutputGuard.ControlPlane.Admin;

/// <summary>
/// The page's own assets (its style sheet), embedded in the assembly and served by the control plane itself: the page
/// needs nothing from the internet. Blazor's script (<c>_framework/blazor.web.js</c>) is served by the framework.
/// </summary>
public static class AdminAssets
{
    /// <summary>The style sheet's path.</summary>
    public const string StyleSheetPath = "/admin/admin.css";

    private static readonly Lazy<byte[]> StyleSheet = new(() =>
    {
        using var stream = typeof(AdminAssets).Assembly.GetManifestResourceStream("OutputGuard.ControlPlane.Admin.Assets.admin.css")
            ?? throw new InvalidOperationException("the embedded admin.css is missing");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Maps GET <see cref="StyleSheetPath"/> (anonymous: the sign-in page uses it too).</summary>
    public static void MapAdminAssets(this WebApplication app)
    {
        app.MapGet(StyleSheetPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(StyleSheet.Value, "text/css; charset=utf-8");
        }).AllowAnonymous();
    }

    /// <summary>The version of the assembly, shown in the page footer.</summary>
    public static string Version { get; } =
        typeof(AdminAssets).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";
}
