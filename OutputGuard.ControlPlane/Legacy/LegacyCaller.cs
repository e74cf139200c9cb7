using System.Net;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>Who makes a legacy call: the audit actor <c>legacy@&lt;address&gt;</c>, its role, and its source address.</summary>
/// <param name="Actor">The actor named in the audit log.</param>
/// <param name="Role">The role the call has: the configured legacy role without a token, the token's role with one.</param>
/// <param name="Address">The client's address (an IPv4-mapped address as IPv4).</param>
public sealed record LegacyCaller(string Actor, string Role, IPAddress Address)
{
    /// <summary>Whether the caller may change entries.</summary>
    public bool CanWrite => Role is Roles.Editor or Roles.Admin;

    /// <summary>Whether the caller may read the allow-list.</summary>
    public bool CanRead => Role is Roles.Viewer or Roles.Editor or Roles.Admin or Roles.Gateway;

    /// <summary>Whether the caller has the admin role.</summary>
    public bool IsAdmin => Role == Roles.Admin;
}
