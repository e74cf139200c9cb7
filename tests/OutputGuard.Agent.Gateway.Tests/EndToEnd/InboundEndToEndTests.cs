using System.Net;
using System.Net.Sockets;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>Only clients open connections: one initiated from the internet side toward a client is dropped and counted.</summary>
public sealed class InboundEndToEndTests : GatewayLab
{
    private static readonly IPAddress Client = IPAddress.Parse("10.10.0.2");

    [Theory]
    [InlineData("192.0.2.2")]
    [InlineData("203.0.113.10")] // an allowed destination
    public async Task Connection_from_the_internet_toward_a_client_is_dropped_and_counted_as_denied_inbound(string source)
    {
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        Tool.In(Lab.Internet, "ip", "route", "add", "10.10.0.0/24", "via", Lab.GatewayOutside.ToString());
        using var listener = NamespaceSockets.Create(Lab.Client, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(Client, 2222));
        listener.Listen(4);
        var accepted = listener.AcceptAsync();

        var connected = await ConnectFromAsync(IPAddress.Parse(source), new IPEndPoint(Client, 2222));

        Assert.False(connected);
        Assert.False(accepted.IsCompleted);
        await Eventually.True(
            async () => await Agent.MetricAsync("outputguard_denied_inbound_packets", $"ip=\"{source}\"", "protocol=\"tcp\"", "port=\"2222\"") >= 1,
            TimeSpan.FromSeconds(10),
            "the attempt among the denied inbound connections");
        Assert.Equal(1, await Agent.MetricAsync("outputguard_denied_inbound_sources"));
    }

    [Fact]
    public async Task Client_initiated_connection_still_gets_its_answers()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        Tool.In(Lab.Internet, "ip", "route", "add", "10.10.0.0/24", "via", Lab.GatewayOutside.ToString());

        Assert.Equal(100_000, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, 100_000));
        Assert.Equal(0, await Agent.MetricAsync("outputguard_denied_inbound_sources"));
    }

    private async Task<bool> ConnectFromAsync(IPAddress source, IPEndPoint target)
    {
        using var socket = NamespaceSockets.Create(Lab.Internet, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(source, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.ConnectAsync(target, cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            return false;
        }
    }
}
