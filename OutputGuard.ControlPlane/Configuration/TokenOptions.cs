using Microsoft.Extensions.Configuration;

namespace OutputGuard.ControlPlane.Configuration;

/// <summary>One bearer token from the <c>tokens:</c> list of the configuration.</summary>
public sealed class TokenOptions
{
    /// <summary>The token's name: the actor recorded in the audit log.</summary>
    [ConfigurationKeyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>viewer, editor, admin or gateway.</summary>
    [ConfigurationKeyName("role")]
    public string Role { get; set; } = string.Empty;

    /// <summary>Lower-case hex SHA-256 of the secret (preferred: the secret itself is not in the file).</summary>
    [ConfigurationKeyName("sha256")]
    public string? Sha256 { get; set; }

    /// <summary>The secret in plain text (for labs).</summary>
    [ConfigurationKeyName("secret")]
    public string? Secret { get; set; }

    /// <summary>
    /// Gateway tokens: the gateway ids the token may claim in its Hello. Empty: only the token's name.
    /// An id ending in <c>*</c> is a prefix (<c>edge-*</c> allows <c>edge-1</c>, <c>edge-eu-2</c>, ...).
    /// </summary>
    [ConfigurationKeyName("gateway_ids")]
    public List<string> GatewayIds { get; set; } = [];
}
