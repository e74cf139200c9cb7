namespace OutputGuard.ControlPlane.Tests.Browser;

/// <summary>The browser test classes share one control plane and one chromium, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class AdminPageCollection : ICollectionFixture<AdminPageLab>
{
    public const string Name = "admin page";
}
