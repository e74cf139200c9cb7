using System.Net;
using System.Net.Sockets;
using System.Reflection;
using OutputGuard.Agent.Route.Tests.Support;

namespace OutputGuard.Agent.Route.Tests.EndToEnd;

/// <summary>
/// The route agent and the real gateway agent together: the gateway enforces an allow-list of one address and
/// port (from its saved state; the control plane is away), and the client's only public route is the agent's.
/// </summary>
public sealed class GatewayEndToEndTests : IDisposable
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(20);
    private readonly EndToEndLab _lab = new();
    private readonly string _stateFile = Path.Combine(Path.GetTempPath(), $"og-rt-state-{Guid.NewGuid():N}");

    [Fact]
    public async Task Client_reaches_an_allowed_address_through_the_gateway_and_not_an_unlisted_one()
    {
        // The gateway's state file, version 2: its lines, then the SHA-256 of every byte above the checksum line.
        var body = $"outputguard-state 2\nstore -\nrevision 7\ndestinations 1\n{EndToEndLab.Allowed}/32 6 80 80\n";
        var sum = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
        await File.WriteAllTextAsync(_stateFile, $"{body}sha256 {sum}\n");
        await using var gateway = await StartGatewayAsync();
        Assert.Equal("NetworkUnreachable", await TryAsync(EndToEndLab.Allowed));

        await using var agent = await AgentProcess.StartAsync(
            "--gateway", "10.77.0.2", "--netns", _lab.Client, "--treat-as-public", string.Join(',', RouteLab.LabPublic));
        await Eventually.True(
            () => Tool.Routes(_lab.Client, "route", "show", "proto", "197").Count > 0,
            Within,
            () => agent.Output);

        Assert.Equal($"hello from {EndToEndLab.Allowed}", await TryAsync(EndToEndLab.Allowed));
        Assert.Equal("timeout", await TryAsync(EndToEndLab.Unlisted));
        Assert.Equal([EndToEndLab.GatewayOutside], _lab.AllowedServer.Peers.Distinct());
        Assert.Empty(_lab.UnlistedServer.Peers);
    }

    public void Dispose()
    {
        _lab.Dispose();
        File.Delete(_stateFile);
    }

    private Task<string> TryAsync(IPAddress address) =>
        TinyServer.TryGreetingAsync(_lab.Client, address, 80, TimeSpan.FromSeconds(2));

    private async Task<AgentProcess> StartGatewayAsync()
    {
        var dll = typeof(GatewayEndToEndTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "GatewayDll").Value!;
        var gateway = AgentProcess.Start(
            "dotnet", dll, "--control-plane", "http://127.0.0.1:1", "--token", "unused-the-control-plane-is-away",
            "--state-file", _stateFile, "--netns", _lab.Gateway, "--client-ranges", "10.77.0.0/24",
            "--treat-as-public", string.Join(',', RouteLab.LabPublic), "--metrics-address", $"127.0.0.1:{FreePort()}",
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

    private static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
