using System.Net;
using OutputGuard.Agent.Route.Tests.Support;

namespace OutputGuard.Agent.Route.Tests.EndToEnd;

/// <summary>
/// The route agent and the real gateway agent together: the gateway enforces an allow-list of one address and
/// port (from its saved state; the control plane is away), and the client's only public route is the agent's
/// (the lab's client has no default route). The internet has no route back to the client: replies come only to
/// the gateway's masquerading address.
/// </summary>
public sealed class GatewayEndToEndTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private readonly Lab _lab = new(clientDefaultRoute: false);
    private readonly TinyServer _allowedServer;
    private readonly TinyServer _unlistedServer;
    private readonly string _stateFile = Path.Combine(Path.GetTempPath(), $"og-rt-state-{Guid.NewGuid():N}");

    public GatewayEndToEndTests()
    {
        try
        {
            _allowedServer = new TinyServer(_lab.Internet, Lab.Allowed, 80);
            _unlistedServer = new TinyServer(_lab.Internet, Lab.Unlisted, 80);
        }
        catch
        {
            _allowedServer?.Dispose();
            _lab.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Client_reaches_an_allowed_address_through_the_gateway_and_not_an_unlisted_one()
    {
        // The gateway's state file, version 2: its lines, then the SHA-256 of every byte above the checksum line.
        var body = $"outputguard-state 2\nstore -\nrevision 7\ndestinations 1\n{Lab.Allowed}/32 6 80 80\n";
        var sum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
        await File.WriteAllTextAsync(_stateFile, $"{body}sha256 {sum}\n");
        await using var gateway = await StartGatewayAsync();
        Assert.Equal("NetworkUnreachable", await TryAsync(Lab.Allowed));

        await using var agent = await AgentProcess.StartAsync(
            "--gateway", Lab.GatewayInside.ToString(), "--netns", _lab.Client, "--treat-as-public", string.Join(',', RouteLab.LabPublic));
        await Eventually.True(
            () => RouteLab.Routes(_lab.Client, "route", "show", "proto", "197").Count > 0,
            Within,
            () => agent.Output);

        Assert.Equal($"hello from {Lab.Allowed}", await TryAsync(Lab.Allowed));
        Assert.Equal("timeout", await TryAsync(Lab.Unlisted));
        Assert.Equal([Lab.GatewayOutside], _allowedServer.Peers.Distinct());
        Assert.Empty(_unlistedServer.Peers);
    }

    public void Dispose()
    {
        _allowedServer.Dispose();
        _unlistedServer.Dispose();
        _lab.Dispose();
        File.Delete(_stateFile);
    }

    private Task<string> TryAsync(IPAddress address) =>
        TinyServer.TryGreetingAsync(_lab.Client, address, 80, TimeSpan.FromSeconds(2));

    private async Task<AgentProcess> StartGatewayAsync()
    {
        var gateway = AgentProcess.Start(
            "dotnet", Artifacts.GatewayDll, "--control-plane", "http://127.0.0.1:1", "--token", "unused-the-control-plane-is-away",
            "--state-file", _stateFile, "--netns", _lab.Gateway, "--client-ranges", Lab.ClientRange,
            "--treat-as-public", string.Join(',', RouteLab.LabPublic), "--metrics-address", $"127.0.0.1:{FreePort.Tcp()}",
            "--gateway-id", _lab.Gateway, "--hostname", _lab.Gateway);
        try
        {
            await Eventually.True(
                () => gateway.HasExited || gateway.Output.Contains("ready;", StringComparison.Ordinal),
                Within,
                () => "the gateway agent's ready line\n" + gateway.Output);
            Assert.False(gateway.HasExited, "the gateway agent exited:\n" + gateway.Output);
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }
}
