namespace OutputGuard.ControlPlane.Store;

/// <summary>A token the control plane created itself (the first-start admin token); only its hash is kept.</summary>
/// <param name="Name">Token name, the actor in the audit log.</param>
/// <param name="Role">viewer, editor, admin or gateway.</param>
/// <param name="Sha256Hex">Lower-case hex SHA-256 of the secret.</param>
/// <param name="CreatedAt">When it was created (UTC).</param>
/// <param name="RetiredAt">When it was retired because tokens were configured (its hash is erased then); null while it is live.</param>
public sealed record StoredToken(string Name, string Role, string Sha256Hex, DateTimeOffset CreatedAt, DateTimeOffset? RetiredAt = null);
