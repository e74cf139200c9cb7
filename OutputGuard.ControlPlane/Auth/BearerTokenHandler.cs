using System.Security.Claims;
using System.Text.Encodings.Web;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.Options;
using OutputGuard.ControlPlane.Api;

namespace OutputGuard.ControlPlane.Auth;

/// <summary>
/// Authenticates <c>authorization: Bearer &lt;token&gt;</c> against the <see cref="TokenRegistry"/>, and answers a
/// refused call with a status that names the cause and the fix: UNAUTHENTICATED (HTTP 401 with
/// <c>WWW-Authenticate: Bearer</c>) for a missing or unknown token, PERMISSION_DENIED (403) for a role that may
/// not make the call — as a gRPC status to gRPC clients, as a JSON error body to HTTP clients.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    TokenRegistry tokens,
    IAuthorizationPolicyProvider policies)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Bearer";

    private const string Prefix = "Bearer ";

    /// <inheritdoc />
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(AuthenticateResult.Fail(
                $"the authorization {Carrier} is not \"Bearer <token>\": send \"authorization: Bearer <token>\""));
        }

        var secret = header[Prefix.Length..].Trim();
        if (secret.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.Fail($"the authorization {Carrier} has no token after \"Bearer \""));
        }

        var token = tokens.Find(secret);
        if (token is null)
        {
            return Task.FromResult(AuthenticateResult.Fail(
                "token is not known: check the secret (its SHA-256 must be one of the configured tokens)"));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, token.Name), new Claim(ClaimTypes.Role, token.Role)],
            SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var message = result.Failure?.Message ?? $"missing \"authorization: Bearer <token>\" {Carrier}";
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await ErrorResponse.WriteAsync(Context, new Status(StatusCode.Unauthenticated, message));
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        var role = Context.User.FindFirstValue(ClaimTypes.Role) ?? "(none)";
        var name = Context.User.Identity?.Name ?? "?";
        var needed = await NeededRolesAsync();
        var message = $"role {role} (token {name}) may not call {CallName()}" +
            (needed.Count > 0 ? $"; needs {string.Join(" or ", needed)}" : string.Empty);
        await ErrorResponse.WriteAsync(Context, new Status(StatusCode.PermissionDenied, message));
    }

    private string Carrier => ErrorResponse.IsGrpc(Request) ? "metadata" : "header";

    /// <summary>"EntryService/CreateEntry" for a gRPC or transcoded method, else "GET /metrics".</summary>
    private string CallName() =>
        Context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method is { } method
            ? $"{method.ServiceName[(method.ServiceName.LastIndexOf('.') + 1)..]}/{method.Name}"
            : $"{Request.Method} {Request.Path}";

    /// <summary>The roles the endpoint's policies allow, in the order of <see cref="Roles.All"/>.</summary>
    private async Task<List<string>> NeededRolesAsync()
    {
        var allowed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var data in Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>() ?? [])
        {
            if (data.Policy is { } policyName && await policies.GetPolicyAsync(policyName) is { } policy)
            {
                foreach (var requirement in policy.Requirements.OfType<RolesAuthorizationRequirement>())
                {
                    allowed.UnionWith(requirement.AllowedRoles);
                }
            }
        }

        return Roles.All.Where(allowed.Contains).ToList();
    }
}
