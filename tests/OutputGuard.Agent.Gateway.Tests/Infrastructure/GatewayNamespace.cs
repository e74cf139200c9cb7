namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>One empty network namespace for in-process enforcer tests.</summary>
public sealed class GatewayNamespace : IDisposable
{
    public GatewayNamespace()
    {
        Name = $"og-ge-{Guid.NewGuid().ToString("N")[..8]}";
        Tool.Run("ip", "netns", "add", Name);
    }

    public string Name { get; }

    public string Nft(params string[] args) => Tool.In(Name, "nft", args);

    public void Dispose() => Tool.TryRun("ip", "netns", "del", Name);
}
