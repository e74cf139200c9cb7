namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>One empty network namespace for in-process enforcer tests.</summary>
public sealed class GatewayNamespace : IDisposable
{
    public GatewayNamespace()
    {
        Name = $"og-ge-{Guid.NewGuid().ToString("N")[..8]}";
        Shell.Run("ip", "netns", "add", Name);
    }

    public string Name { get; }

    public string Nft(params string[] args) => Shell.In(Name, "nft", args);

    public void Dispose() => Shell.TryRun("ip", "netns", "del", Name);
}
