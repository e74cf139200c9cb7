using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Traffic;

/// <summary>Gateways report their counters over the sync stream; operators read them through TrafficService.</summary>
public sealed class TrafficReportTests : IAsyncLifetime
{
    private ControlPlaneServer _server = null!;
    private TrafficService.TrafficServiceClient _traffic = null!;

    public async Task InitializeAsync()
    {
        _server = await ControlPlaneServer.StartAsync();
        _traffic = new TrafficService.TrafficServiceClient(_server.Channel(TestTokens.Viewer));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Reports_of_two_gateways_are_summed_per_destination_busiest_first()
    {
        await using var one = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-one", 0);
        await using var two = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-two", 0);

        await one.ReportAsync(Report(("203.0.113.7/32", 1_000, 50_000), ("198.51.100.0/24", 10, 20)));
        await two.ReportAsync(Report(("203.0.113.7/32", 500, 7_000)));
        var rows = await Eventually.Until(
            async () => (await _traffic.ListTrafficAsync(new ListTrafficRequest())).Destinations,
            d => d.Count == 2 && d[0].Gateways == 2, TimeSpan.FromSeconds(5), "both reports stored");

        Assert.Equal(["203.0.113.7/32", "198.51.100.0/24"], rows.Select(r => r.Destination.Prefix));
        Assert.Equal((1_500ul, 57_000ul), (rows[0].OutputBytes, rows[0].InputBytes));
    }

    [Fact]
    public async Task Denied_destinations_reach_grpc_and_json_readers_but_not_a_gateway_token()
    {
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-deny", 0);
        var report = new TrafficReport { Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        report.Denied.Add(new DeniedDestination { Address = "198.51.100.66", Protocol = 6, Port = 443, Packets = 4, Bytes = 240 });
        report.Denied.Add(new DeniedDestination { Address = "not-an-address", Protocol = 6, Port = 443, Packets = 999 });

        await gateway.ReportAsync(report);
        var denied = await Eventually.Until(
            async () => (await _traffic.ListDeniedDestinationsAsync(new ListDeniedDestinationsRequest())).Denied,
            d => d.Count > 0, TimeSpan.FromSeconds(5), "denied destinations stored");
        using var http = _server.Http(TestTokens.Viewer);
        var json = await http.GetFromJsonAsync<JsonElement>("/v1/deniedDestinations");
        var refused = await Assert.ThrowsAsync<RpcException>(() => new TrafficService.TrafficServiceClient(_server.Channel(TestTokens.Gateway))
            .ListDeniedDestinationsAsync(new ListDeniedDestinationsRequest()).ResponseAsync);

        var row = Assert.Single(denied);
        Assert.Equal(("198.51.100.66", 6u, 443u, 4ul), (row.Address, row.Protocol, row.Port, row.Packets));
        Assert.Equal("198.51.100.66", json.GetProperty("denied")[0].GetProperty("address").GetString());
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public async Task An_oversized_report_keeps_only_the_busiest_destinations()
    {
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-big", 0);
        var rows = Enumerable.Range(0, 25_000).Select(i => ($"2001:db8:{i / 65536:x}:{i % 65536:x}::/64", (ulong)i, (ulong)i)).ToArray();

        await gateway.ReportAsync(Report(rows));
        var stored = await Eventually.Until(
            () => _server.Store.ListTrafficAsync("gw-big", 100_000, CancellationToken.None),
            d => d.Count == 20_000, TimeSpan.FromSeconds(30), "the big report stored");
        var top = (await _traffic.ListTrafficAsync(new ListTrafficRequest { PageSize = 10_000, GatewayId = "gw-big" })).Destinations;

        Assert.Equal(20_000, stored.Count);
        Assert.Equal(24_999ul, top[0].OutputBytes);
        Assert.DoesNotContain(stored, s => s.OutputBytes < 5_000);
    }

    private static TrafficReport Report(params (string Prefix, ulong Out, ulong In)[] rows)
    {
        var report = new TrafficReport { Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        report.Destinations.AddRange(rows.Select(r => new DestinationTraffic
        {
            Destination = new Destination { Prefix = r.Prefix },
            OutputBytes = r.Out,
            OutputPackets = r.Out / 100 + 1,
            InputBytes = r.In,
            InputPackets = r.In / 100 + 1,
        }));
        return report;
    }
}
