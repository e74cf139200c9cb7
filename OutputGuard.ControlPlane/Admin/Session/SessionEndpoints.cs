using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using OutputGuard.ControlPlane.Auth;

namespace OutputGuard.ControlPlane.Admin.Session;

/// <summary>
/// Sign-in (a token exchanged for the session cookie) and sign-out: form posts, each checked against the
/// antiforgery token of the form it came from.
/// </summary>
public static class SessionEndpoints
{
    /// <summary>Why a sign-in was refused, as the sign-in page shows it.</summary>
    public static string? Describe(string? failure) => failure switch
    {
        "empty" => "token is required: paste the secret of a viewer, editor or admin token",
        "unknown" => "token is not known: check the secret (its SHA-256 must be one of the configured tokens)",
        "gateway" => "a gateway token cannot sign in to the page: use a viewer, editor or admin token",
        _ => null,
    };

    /// <summary>Where the sign-in form posts.</summary>
    public const string SignInPostPath = "/session/signin";

    /// <summary>Where the sign-out form posts.</summary>
    public const string SignOutPostPath = "/session/signout";

    /// <summary>Maps the two form posts.</summary>
    public static void MapSessionEndpoints(this WebApplication app)
    {
        app.MapPost(SignInPostPath, SignInAsync).AllowAnonymous();
        app.MapPost(SignOutPostPath, SignOutAsync).AllowAnonymous();
    }

    private static async Task<IResult> SignInAsync(HttpContext context, TokenRegistry tokens, [FromForm(Name = "token")] string? token, [FromForm(Name = "return")] string? returnUrl)
    {
        var secret = token?.Trim() ?? string.Empty;
        string? failure = secret.Length == 0 ? "empty" : null;
        var known = failure is null && secret.Length <= 1024 ? tokens.Find(secret) : null;
        failure ??= known is null ? "unknown" : known.Role == Roles.Gateway ? "gateway" : null;
        var local = IsLocal(returnUrl) ? returnUrl! : "/";
        if (failure is not null)
        {
            return Results.Redirect($"{AdminPage.SignInPath}?failed={failure}&return={Uri.EscapeDataString(local)}", preserveMethod: false);
        }

        await context.SignInAsync(AdminPage.CookieScheme, SessionCookie.PrincipalFor(known!), new AuthenticationProperties { IsPersistent = false });
        return Results.Redirect(local);
    }

    private static async Task<IResult> SignOutAsync(HttpContext context, [FromForm(Name = "signout")] string? signOut)
    {
        _ = signOut;
        await context.SignOutAsync(AdminPage.CookieScheme);
        return Results.Redirect(AdminPage.SignInPath + "?signedout=1");
    }

    /// <summary>Only paths of this site are followed after sign-in ("/entries"), never another host ("//evil", "http://…").</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
