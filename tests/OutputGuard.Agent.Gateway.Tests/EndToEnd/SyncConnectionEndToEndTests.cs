using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>How the agent reports its stream: connected as soon as the control plane accepts it, rejected when it refuses it.</summary>
public sealed class SyncConnectionEndToEndTests : GatewayLab
{
    [Fact]
    public async Task Gateway_restarted_at_the_current_revision_reports_connected_within_a_second_of_being_accepted()
    {
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        await Eventually.True(() => File.Exists(StateFile) && File.ReadAllText(StateFile).Contains(Lab.Allowed.ToString(), StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the state file written");

        var restarted = DateTime.UtcNow;
        await RestartAgentAsync();
        Assert.Contains("ready; metrics 0.0.0.0:9900 revision 1", Agent.Output, StringComparison.Ordinal);
        await Agent.HealthAsync(); // the first request of a process is slow; this one is not what is measured
        await Eventually.True(
            async () => (await ControlPlane.Gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Single(g => g.Id == Lab.Gateway) is { Connected: true } g
                && g.LastSeen.ToDateTime() > restarted,
            TimeSpan.FromSeconds(20),
            "the control plane accepted the stream");

        // No message follows (the gateway is at the current revision): it must not wait for one.
        await Eventually.True(async () => (await Agent.HealthAsync()).Contains("state Connected", StringComparison.Ordinal), TimeSpan.FromSeconds(1), "connected");
        Assert.Equal(2, await Agent.MetricAsync("outputguard_sync_state"));
    }

    [Fact]
    public async Task Stream_refused_for_a_wrong_token_is_logged_as_rejected_never_as_connected()
    {
        await MoveAgentAsync(ControlPlane.GrpcUri, "--token", "not-the-gateway-token");

        await Eventually.True(() => Agent.Output.Contains("rejected the sync stream (Unauthenticated", StringComparison.Ordinal), TimeSpan.FromSeconds(20), () => "the rejection logged:\n" + Agent.Output);
        Assert.DoesNotContain("Connected to the control plane", Agent.Output, StringComparison.Ordinal);

        // Between attempts the state is Disconnected (0); during the next attempt, which may start any moment after
        // the refusal, it is Connecting (1) for as long as the refusal takes. Polled, not read once.
        await Eventually.True(async () => await Agent.MetricAsync("outputguard_sync_state") == 0, TimeSpan.FromSeconds(10), "outputguard_sync_state 0 (disconnected)");
        Assert.DoesNotContain("Connected to the control plane", Agent.Output, StringComparison.Ordinal);
    }
}
