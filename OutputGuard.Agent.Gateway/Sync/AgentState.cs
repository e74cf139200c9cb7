using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>The allow-list the kernel enforces, shared by the sync client and the state writer.</summary>
public sealed class AgentState
{
    /// <summary>Guards <see cref="List"/>.</summary>
    public Lock Gate { get; } = new();

    /// <summary>The applied allow-list.</summary>
    public AllowList List { get; set; } = AllowList.Of(0, []);
}
