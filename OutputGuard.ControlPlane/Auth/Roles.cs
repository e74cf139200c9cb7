namespace OutputGuard.ControlPlane;

/// <summary>The token roles and the authorization policies built from them.</summary>
public static class Roles
{
    /// <summary>Reads everything.</summary>
    public const string Viewer = "viewer";

    /// <summary>Reads and changes entries.</summary>
    public const string Editor = "editor";

    /// <summary>Everything, including undeletable entries.</summary>
    public const string Admin = "admin";

    /// <summary>Only the gateway sync stream.</summary>
    public const string Gateway = "gateway";

    /// <summary>Every role.</summary>
    public static IReadOnlyList<string> All { get; } = [Viewer, Editor, Admin, Gateway];

    /// <summary>Whether <paramref name="role"/> is a role.</summary>
    public static bool IsKnown(string? role) => role is Viewer or Editor or Admin or Gateway;

    /// <summary>Policy: read the admin API (viewer, editor, admin).</summary>
    public const string CanRead = "can-read";

    /// <summary>Policy: change entries (editor, admin).</summary>
    public const string CanWrite = "can-write";

    /// <summary>Policy: admin only.</summary>
    public const string CanAdminister = "can-administer";

    /// <summary>Policy: the gateway stream (gateway).</summary>
    public const string CanSync = "can-sync";
}
