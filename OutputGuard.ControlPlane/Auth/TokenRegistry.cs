using System.Security.Cryptography;
using System.Text;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Auth;

/// <summary>A known token: its name, role and the SHA-256 of its secret.</summary>
/// <param name="Name">The token name, the actor in the audit log.</param>
/// <param name="Role">Its role.</param>
/// <param name="Hash">SHA-256 of the secret.</param>
/// <param name="GatewayIds">Gateway tokens: the ids (and <c>prefix*</c> patterns) it may claim; empty means its name.</param>
public sealed record KnownToken(string Name, string Role, byte[] Hash, IReadOnlyList<string>? GatewayIds = null)
{
    /// <summary>The gateway ids this token may claim.</summary>
    public GatewayScope Scope { get; } = new(Name, GatewayIds);
}

/// <summary>
/// The tokens the control plane accepts. A presented secret is hashed and compared with every known
/// hash in constant time, so neither timing nor early exit tells how close a guess was.
/// </summary>
public sealed class TokenRegistry
{
    private volatile IReadOnlyList<KnownToken> _tokens = [];

    /// <summary>The accepted tokens.</summary>
    public IReadOnlyList<KnownToken> Tokens => _tokens;

    /// <summary>Replaces the accepted tokens.</summary>
    public void Set(IReadOnlyList<KnownToken> tokens) => _tokens = tokens;

    /// <summary>The token named <paramref name="name"/>, or null.</summary>
    public KnownToken? Named(string name) => _tokens.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>The token whose secret is <paramref name="secret"/>, or null.</summary>
    public KnownToken? Find(string secret)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        KnownToken? match = null;
        foreach (var token in _tokens)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, token.Hash))
            {
                match ??= token;
            }
        }

        return match;
    }

    /// <summary>The tokens of the configuration.</summary>
    public static IReadOnlyList<KnownToken> FromOptions(IEnumerable<TokenOptions> tokens) =>
        tokens.Select(t => new KnownToken(
            t.Name,
            t.Role,
            t.Sha256 is { Length: > 0 } hex
                ? Convert.FromHexString(hex)
                : SHA256.HashData(Encoding.UTF8.GetBytes(t.Secret!)),
            t.GatewayIds.ToList())).ToList();

    /// <summary>The tokens the store keeps (the first-start admin token).</summary>
    public static IReadOnlyList<KnownToken> FromStore(IEnumerable<StoredToken> tokens) =>
        tokens.Select(t => new KnownToken(t.Name, t.Role, Convert.FromHexString(t.Sha256Hex))).ToList();
}
