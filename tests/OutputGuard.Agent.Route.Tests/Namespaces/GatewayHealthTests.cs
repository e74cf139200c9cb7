using System.Net.Sockets;
using OutputGuard.Agent.Route.Tests.Support;

namespace OutputGuard.Agent.Route.Tests.Namespaces;

/// <summary>The optional health probe: a gateway that stops answering leaves the multipath set and comes back.</summary>
public sealed class GatewayHealthTests : IDisposable
{
    private const int ProbePort = 9900;
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);
    private readonly RouteLab _lab = new();

    [Fact]
    public async Task Gateway_that_stops_answering_leaves_the_multipath_set_and_rejoins_when_it_answers()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        using var first = new NamespaceListener(_lab.GatewayHost, RouteLab.Gateway1, ProbePort);
        var second = new NamespaceListener(_lab.GatewayHost, RouteLab.Gateway2, ProbePort);
        await using var agent = await AgentProcess.StartAsync(
            "--gateway", RouteLab.Gateway1, "--gateway", RouteLab.Gateway2, "--netns", _lab.Client,
            "--treat-as-public", string.Join(',', RouteLab.LabPublic),
            "--probe-port", "9900", "--probe-interval", "200ms", "--probe-failures", "2");
        await AllRoutesGoThrough([RouteLab.Gateway1, RouteLab.Gateway2], count, agent);

        second.Dispose();
        await AllRoutesGoThrough([RouteLab.Gateway1], count, agent);
        await agent.WaitForOutputAsync($"gateway {RouteLab.Gateway2} stopped answering on tcp/9900");

        using var back = new NamespaceListener(_lab.GatewayHost, RouteLab.Gateway2, ProbePort);
        await AllRoutesGoThrough([RouteLab.Gateway1, RouteLab.Gateway2], count, agent);
        await agent.WaitForOutputAsync($"gateway {RouteLab.Gateway2} answers on tcp/9900 again");
    }

    [Fact]
    public async Task When_no_gateway_answers_the_routes_stay_rather_than_leak_around_the_gateway()
    {
        var count = RouteLab.Expected(AddressFamily.InterNetwork).Count;
        await using var agent = await AgentProcess.StartAsync(
            "--gateway", RouteLab.Gateway1, "--gateway", RouteLab.Gateway2, "--netns", _lab.Client,
            "--treat-as-public", string.Join(',', RouteLab.LabPublic),
            "--probe-port", "9900", "--probe-interval", "200ms", "--probe-failures", "2");

        await Eventually.True(() => agent.Output.Contains("no IPv4 gateway answers", StringComparison.Ordinal), Within, () => agent.Output);

        await AllRoutesGoThrough([RouteLab.Gateway1, RouteLab.Gateway2], count, agent);
    }

    public void Dispose() => _lab.Dispose();

    private async Task AllRoutesGoThrough(List<string> gateways, int count, AgentProcess agent) =>
        await Eventually.True(
            () => _lab.RoutesOf(197) is var routes && routes.Count == count && routes.All(r => RouteLab.GatewaysOf(r).SequenceEqual(gateways)),
            Within,
            () => $"{count} routes via {string.Join(" and ", gateways)}\n{agent.Output}");
}
