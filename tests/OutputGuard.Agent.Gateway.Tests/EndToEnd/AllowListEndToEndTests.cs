using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

public sealed class AllowListEndToEndTests : GatewayLab
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Allowed_ip_is_reachable_and_the_internet_sees_the_gateway_address()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        var body = await HttpProbe.GetAsync(Lab.Client, server.Endpoint, 1000);

        Assert.Equal(1000, body);
        Assert.NotEmpty(server.Clients);
        Assert.All(server.Clients, c => Assert.Equal(Lab.GatewayOutside, c));
    }

    [Fact]
    public async Task Unlisted_ip_is_dropped_and_appears_among_the_denied_destinations()
    {
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        var connected = await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint, TimeSpan.FromSeconds(1));

        Assert.False(connected);
        Assert.Empty(unlisted.Clients);
        await Eventually.True(
            async () => await Agent.MetricAsync("outputguard_denied_packets", $"ip=\"{Lab.Unlisted}\"") >= 1, Deadline, "the denied destination in the metrics");
        await Eventually.True(
            async () => (await ControlPlane.Traffic.ListDeniedDestinationsAsync(new ListDeniedDestinationsRequest())).Denied
                .Any(d => d.Address == Lab.Unlisted.ToString() && d.Packets >= 1),
            Deadline,
            "the denied destination in the admin API");
    }

    [Fact]
    public async Task Deleted_entry_drops_new_connections()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        var entry = await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, 10));

        await ControlPlane.DeleteAsync(entry);
        await SyncedAsync();

        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, server.Endpoint));
    }

    [Fact]
    public async Task Port_rule_allows_its_port_and_no_other()
    {
        var open = Lab.Serve(Lab.PortRestricted, 8080);
        var closed = Lab.Serve(Lab.PortRestricted, 8081);
        await ControlPlane.AllowAsync(Lab.PortRestricted.ToString(), "tcp/8080");
        await SyncedAsync();

        Assert.Equal(100, await HttpProbe.GetAsync(Lab.Client, open.Endpoint, 100));
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, closed.Endpoint));
    }

    [Fact]
    public async Task Ipv6_port_rule_allows_its_port_and_no_other()
    {
        var open = Lab.Serve(Lab.Allowed6, 8080);
        var closed = Lab.Serve(Lab.Allowed6, 8081);
        await ControlPlane.AllowAsync(Lab.Allowed6.ToString(), "tcp/8080");
        await SyncedAsync();

        Assert.Equal(100, await HttpProbe.GetAsync(Lab.Client, open.Endpoint, 100));
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, closed.Endpoint));
    }

    [Fact]
    public async Task Cidr_entry_allows_every_address_in_it()
    {
        var server = Lab.Serve(Lab.NetHost, 80);
        await ControlPlane.AllowAsync("198.51.100.0/24");
        await SyncedAsync();

        Assert.Equal(5, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, 5));
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, new IPEndPoint(Lab.Allowed, 80)));
    }

    [Fact]
    public async Task Consecutive_changes_arrive_over_one_stream()
    {
        for (var i = 0; i < 10; i++)
        {
            await ControlPlane.AllowAsync($"203.0.113.{100 + i}");
        }

        await SyncedAsync();

        Assert.Equal(0, await Agent.MetricAsync("outputguard_sync_failures_total"));
        Assert.Equal(10, await Agent.MetricAsync("outputguard_elements"));
    }
}
