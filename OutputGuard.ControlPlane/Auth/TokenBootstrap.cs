using System.Security.Cryptography;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Auth;

/// <summary>
/// Secure by default: with no tokens configured, the first start creates an admin token, stores only
/// its SHA-256 and prints the secret once. Later starts accept the stored hash. The token is single-use:
/// the first start with tokens configured retires it (erases its hash, keeps a tombstone), and a later start
/// without tokens is refused rather than given the old token back or a new one.
/// </summary>
public static class TokenBootstrap
{
    /// <summary>The name of the created token.</summary>
    public const string BootstrapName = "bootstrap-admin";

    /// <summary>Fills <paramref name="registry"/>; returns the new secret when one was created now, else null.</summary>
    /// <exception cref="ConfigurationException">No tokens are configured and the first-start token was retired.</exception>
    public static async Task<string?> InitializeAsync(
        ControlPlaneOptions options, IControlPlaneStore store, TokenRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(time);
        if (options.Tokens.Count > 0)
        {
            registry.Set(TokenRegistry.FromOptions(options.Tokens));
            if (await store.RetireStoredTokensAsync(cancellationToken) > 0)
            {
                await store.AppendAuditAsync("system", "token.retire", $"{{\"name\":\"{BootstrapName}\",\"why\":\"tokens are configured\"}}", cancellationToken);
            }

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

        var live = stored.Where(t => t.RetiredAt is null).ToList();
        if (live.Count == 0)
        {
            throw new ConfigurationException(
                "tokens: none are configured, and the first-start admin token of this store was retired when tokens were configured " +
                "(it is single-use); configure tokens (name, role, sha256 or secret)");
        }

        registry.Set(TokenRegistry.FromStore(live));
        return created;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
