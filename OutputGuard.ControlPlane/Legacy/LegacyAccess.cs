using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Auth;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>
/// Who may call the legacy endpoints: a call with <c>authorization: Bearer</c> is authenticated as everywhere
/// (an unknown token is refused, whatever the source); a call without one is accepted only from a source in
/// <c>legacy_api.allow_from</c>, with the role <c>legacy_api.role</c>. Either way the audit actor is
/// <c>legacy@&lt;client address&gt;</c>.
/// </summary>
public sealed class LegacyAccess(IOptions<ControlPlaneOptions> options)
{
    private readonly IReadOnlyList<IpPrefix> _allowed = LegacyApiSettings.AllowedSources(options.Value);
    private readonly string _role = options.Value.LegacyApiRole;

    /// <summary>The client's address, an IPv4-mapped one as IPv4.</summary>
    public static IPAddress ClientAddress(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        return address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }

    /// <summary>The caller, or the HTTP status and message of a refusal (401 unauthenticated, never a caller without a role).</summary>
    public async Task<(LegacyCaller? Caller, int Status, string? Refusal)> IdentifyAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = ClientAddress(context);
        var actor = $"legacy@{address}";
        if (!string.IsNullOrEmpty(context.Request.Headers.Authorization))
        {
            var result = await context.AuthenticateAsync(BearerTokenHandler.SchemeName);
            if (!result.Succeeded)
            {
                return (null, StatusCodes.Status401Unauthorized, result.Failure?.Message ?? "the bearer token is not valid");
            }

            var role = result.Principal!.FindFirstValue(ClaimTypes.Role) ?? string.Empty;
            return (new LegacyCaller(actor, role, address), StatusCodes.Status200OK, null);
        }

        if (_allowed.Any(p => p.Contains(address)))
        {
            return (new LegacyCaller(actor, _role, address), StatusCodes.Status200OK, null);
        }

        return (null, StatusCodes.Status401Unauthorized,
            $"{address} may not call the legacy API without a token: send \"authorization: Bearer <token>\", or add its range to legacy_api.allow_from");
    }
}
