using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using OutputGuard.ControlPlane.Auth;

namespace OutputGuard.ControlPlane.Admin.Session;

/// <summary>
/// The page's session cookie: HttpOnly, SameSite=Strict, Secure whenever the request came over TLS, eight hours
/// sliding. Each request re-checks that the token it was made from is still configured with the same role, so a
/// token removed from the configuration ends its sessions too.
/// </summary>
public static class SessionCookie
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "og-session";

    /// <summary>How long a session lasts without use.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromHours(8);

    /// <summary>Configures the cookie handler.</summary>
    public static void Configure(CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cookie.Name = Name;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.ExpireTimeSpan = IdleLifetime;
        options.SlidingExpiration = true;
        options.LoginPath = AdminPage.SignInPath;
        options.ReturnUrlParameter = "return";
        options.AccessDeniedPath = AdminPage.SignInPath;
        options.Events.OnValidatePrincipal = context =>
        {
            var tokens = context.HttpContext.RequestServices.GetRequiredService<TokenRegistry>();
            var name = context.Principal?.Identity?.Name;
            var role = context.Principal?.FindFirstValue(ClaimTypes.Role);
            if (name is null || tokens.Named(name) is not { } token || token.Role != role)
            {
                context.RejectPrincipal();
            }

            return Task.CompletedTask;
        };
    }

    /// <summary>The principal of a session for <paramref name="token"/>.</summary>
    public static ClaimsPrincipal PrincipalFor(KnownToken token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return new ClaimsPrincipal(new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, token.Name), new Claim(ClaimTypes.Role, token.Role)], AdminPage.CookieScheme));
    }
}
