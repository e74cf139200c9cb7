namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>A lab, the real control plane in the root namespace, and the real agent in the gateway namespace.</summary>
public class GatewayLab : IAsyncLifetime
{
    private readonly string _stateDir = Directory.CreateTempSubdirectory("og-gw-state-").FullName;

    public Lab Lab { get; } = new();

    public LabControlPlane ControlPlane { get; private set; } = null!;

    public GatewayAgent Agent { get; protected set; } = null!;

    public string StateFile => Path.Combine(_stateDir, "state");

    protected virtual string[] AgentFlags => [];

    /// <summary>Extra lines for the control plane's YAML configuration.</summary>
    protected virtual string ControlPlaneYaml => string.Empty;

    public virtual async Task InitializeAsync()
    {
        ControlPlane = await LabControlPlane.StartAsync(Lab.RootAddress, ControlPlaneYaml);
        Agent = await StartAgentAsync();
    }

    public Task<GatewayAgent> StartAgentAsync() => GatewayAgent.StartAsync(Lab, ControlPlane.GrpcUri, StateFile, AgentFlags);

    public async Task RestartAgentAsync()
    {
        await Agent.DisposeAsync();
        Agent = await StartAgentAsync();
    }

    /// <summary>Restarts the agent (same state file, same kernel table) pointed at another control plane.</summary>
    public async Task MoveAgentAsync(Uri controlPlane, params string[] extra)
    {
        await Agent.DisposeAsync();
        Agent = await GatewayAgent.StartAsync(Lab, controlPlane, StateFile, [.. AgentFlags, .. extra]);
    }

    /// <summary>Waits until the agent applied the control plane's current revision.</summary>
    public async Task SyncedAsync() => await Agent.WaitForRevisionAsync(await ControlPlane.RevisionAsync());

    public virtual async Task DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        if (ControlPlane is not null)
        {
            await ControlPlane.DisposeAsync();
        }

        Lab.Dispose();
        Directory.Delete(_stateDir, recursive: true);
    }
}
