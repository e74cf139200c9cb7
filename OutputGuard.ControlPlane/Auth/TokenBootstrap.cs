using System.Security.Cryptography;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Auth;

/// <summary>
/// Secure by default: with no tokens configured, the first start creates an admin token, stores only
/// its SHA-256 and prints the secret once. Later starts accept the stored hash.
/// </summary>
public static class TokenBootstrap
{
    /// <summary>The name of the created token.</summary>
    public const string BootstrapName = "bootstrap-admin";

    /// <summary>Fills <paramref name="registry"/>; returns the new secret when one was created now, else null.</summary>
    public static async Task<string?> InitializeAsync(
        ControlPlaneOptions options, IControlPlaneStore store, TokenRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        if (options.Tokens.Count > 0)
        {
            registry.Set(TokenRegistry.FromOptions(options.Tokens));
            return null;
        }

        var stored = await store.ListStoredTokensAsync(cancellationToken);
        string? created = null;
        if (stored.Count == 0)
        {
            var secret = "og_" + Base64Url(RandomNumberGenerator.GetBytes(32));
            var token = new StoredToken(BootstrapName, Roles.Admin, ControlPlaneConfiguration.Sha256Hex(secret), time.GetUtcNow());
            if (await store.TryCreateFirstTokenAsync(token, cancellationToken))
            {
                await store.AppendAuditAsync("system", "token.bootstrap", $"{{\"name\":\"{BootstrapName}\",\"role\":\"admin\"}}", cancellationToken);
                created = secret;
            }

            stored = await store.ListStoredTokensAsync(cancellationToken);
        }

        registry.Set(TokenRegistry.FromStore(stored));
        return created;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
