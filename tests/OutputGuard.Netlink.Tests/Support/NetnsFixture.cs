namespace OutputGuard.Netlink.Tests.Support;

/// <summary>A fresh, uniquely named network namespace with lo up; removed on dispose even when a test fails.</summary>
public sealed class NetnsFixture : IDisposable
{
    public NetnsFixture()
    {
        Name = NewName();
        Tool.Run("ip", "netns", "add", Name);
        Tool.In(Name, "ip", "link", "set", "lo", "up");
    }

    public string Name { get; }

    public static string NewName() => "og-nl-" + Guid.NewGuid().ToString("N")[..10];

    public void Dispose() => Tool.TryRun("ip", "netns", "del", Name);
}
