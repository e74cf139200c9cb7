using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>One token of each role, as the test servers are configured.</summary>
public static class TestTokens
{
    public const string Admin = "admin-secret-0123456789";
    public const string Editor = "editor-secret-0123456789";
    public const string Viewer = "viewer-secret-0123456789";
    public const string Gateway = "gateway-secret-0123456789";

    public static List<TokenOptions> All() =>
    [
        new() { Name = "ops-admin", Role = "admin", Secret = Admin },
        // The editor is configured by hash, as production does.
        new() { Name = "ops-editor", Role = "editor", Sha256 = ControlPlaneConfiguration.Sha256Hex(Editor) },
        new() { Name = "ops-viewer", Role = "viewer", Secret = Viewer },
        new() { Name = "gw", Role = "gateway", Secret = Gateway, GatewayIds = ["gw-*"] },
    ];
}
