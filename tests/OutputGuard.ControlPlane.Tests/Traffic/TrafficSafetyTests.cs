using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.DependencyInjection;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.ControlPlane.Traffic;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Traffic;

/// <summary>
/// Reports cannot break the traffic API: sums saturate, counters that go backwards or grow faster than a link
/// carries are refused (and a reset is accepted once the next report agrees), and a flood of reports is
/// coalesced per gateway, the latest winning. Each test on SQLite and on MariaDB.
/// </summary>
public sealed class TrafficSafetyTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>
{
    private const string A = "203.0.113.7/32";

    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Two_gateways_reporting_the_largest_counters_give_saturated_sums_not_errors(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        var traffic = new TrafficService.TrafficServiceClient(server.Channel(TestTokens.Viewer));
        await using var one = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-max-1", 0);
        await using var two = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-max-2", 0);

        await one.ReportAsync(Report((A, ulong.MaxValue, ulong.MaxValue), denied: true));
        await two.ReportAsync(Report((A, ulong.MaxValue, ulong.MaxValue), denied: true));
        var row = await Eventually.Until(
            async () => (await traffic.ListTrafficAsync(new ListTrafficRequest())).Destinations,
            d => d.Count == 1 && d[0].Gateways == 2, TimeSpan.FromSeconds(10), "both reports stored");
        var denied = (await traffic.ListDeniedDestinationsAsync(new ListDeniedDestinationsRequest())).Denied;
        using var http = server.Http(TestTokens.Viewer);
        var json = JsonDocument.Parse(await http.GetStringAsync("/v1/traffic")).RootElement;

        Assert.Equal((ulong.MaxValue, ulong.MaxValue), (row[0].OutputBytes, row[0].InputBytes));
        Assert.Equal(ulong.MaxValue, Assert.Single(denied).Packets);
        Assert.Equal("18446744073709551615", json.GetProperty("destinations")[0].GetProperty("outputBytes").ToString());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Counters_that_go_backwards_are_refused_until_the_next_report_confirms_a_reset(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        var writer = server.App.Services.GetRequiredService<TrafficWriter>();
        await using var gateway = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-reset", 0);

        await Send(gateway, writer, Report((A, 1_000, 5_000)));
        await Send(gateway, writer, Report((A, 10, 50)));
        var afterBackwards = await Stored(server, "gw-reset");
        await Send(gateway, writer, Report((A, 20, 90)));
        var afterConfirmation = await Stored(server, "gw-reset");

        Assert.Equal(1L, writer.ReportsRefused);
        Assert.Equal(1_000UL, afterBackwards);
        Assert.Equal(20UL, afterConfirmation);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_report_that_grew_more_than_a_link_carries_is_refused(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, o => o.TrafficLinkCapacityBitsPerSecond = 8_000_000);
        var writer = server.App.Services.GetRequiredService<TrafficWriter>();
        await using var gateway = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-jump", 0);

        await Send(gateway, writer, Report((A, 1_000, 1_000)));
        await Send(gateway, writer, Report((A, 1_000 + 1_000_000_000_000, 1_000)));
        var afterJump = await Stored(server, "gw-jump");
        await Send(gateway, writer, Report((A, 2_000, 2_000)));

        Assert.Equal(1L, writer.ReportsRefused);
        Assert.Equal(1_000UL, afterJump);
        Assert.Equal(2_000UL, await Stored(server, "gw-jump"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_flood_of_reports_is_coalesced_and_the_latest_report_wins(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, o => o.TrafficWriteRowsPerSecond = 4_000);
        var writer = server.App.Services.GetRequiredService<TrafficWriter>();
        await using var gateway = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-flood", 0);
        // The stream is read at most once a second after a report; each write takes 2.5 s at 4,000 rows/s.
        const int reports = 6;

        for (var i = 1; i <= reports; i++)
        {
            var rows = Enumerable.Range(0, 10_000).Select(j => ($"2001:db8:1::{j:x}/128", (ulong)(i * 10), (ulong)i)).ToArray();
            await gateway.ReportAsync(Report(rows));
        }

        await Eventually.True(() => writer.ReportsWritten + writer.ReportsCoalesced == reports && writer.Pending == 0, TimeSpan.FromSeconds(40), "every report written or replaced");
        var stored = await server.Store.ListTrafficAsync("gw-flood", 10_000, CancellationToken.None);

        Assert.True(writer.ReportsCoalesced > 0, "no report was coalesced");
        Assert.True(writer.ReportsWritten < reports, $"{writer.ReportsWritten} of {reports} reports were written");
        Assert.Equal(10_000, stored.Count);
        Assert.All(stored, r => Assert.Equal((ulong)(reports * 10), r.OutputBytes));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Entry_changes_go_through_while_a_large_report_is_being_written(string backend)
    {
        // 20,000 rows at 2,000 rows/s: the report takes about 10 s to write, in chunks the entry writes go between.
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, o => o.TrafficWriteRowsPerSecond = 2_000);
        var writer = server.App.Services.GetRequiredService<TrafficWriter>();
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        await using var gateway = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-large", 0);
        await gateway.ReportAsync(Report(Enumerable.Range(0, 20_000).Select(j => ($"2001:db8:2::{j:x}/128", 5UL, 5UL)).ToArray()));
        await Eventually.True(async () => (await server.Store.ListTrafficAsync("gw-large", 10, CancellationToken.None)).Count > 0, TimeSpan.FromSeconds(10), "the report being written");

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 10; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = $"198.51.100.{i + 1}" } });
            slowest = TimeSpan.FromTicks(Math.Max(slowest.Ticks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks));
        }

        var stillWriting = writer.ReportsWritten == 0;
        await Eventually.True(() => writer.ReportsWritten == 1, TimeSpan.FromSeconds(60), "the report written");

        Assert.True(stillWriting, "the report was written before the entry changes were done: nothing shows they went between its chunks");
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"an entry change waited {slowest.TotalMilliseconds:0} ms behind the report");
        Assert.Equal(20_000, (await server.Store.ListTrafficAsync("gw-large", 100_000, CancellationToken.None)).Count);
    }

    private static async Task Send(SyncClient gateway, TrafficWriter writer, TrafficReport report)
    {
        var handled = writer.ReportsWritten + writer.ReportsRefused;
        await gateway.ReportAsync(report);
        await Eventually.True(() => writer.ReportsWritten + writer.ReportsRefused > handled, TimeSpan.FromSeconds(10), "the report handled");
    }

    private static async Task<ulong> Stored(ControlPlaneServer server, string gatewayId) =>
        Assert.Single(await server.Store.ListTrafficAsync(gatewayId, 10, CancellationToken.None)).OutputBytes;

    private static TrafficReport Report(params (string Prefix, ulong Out, ulong In)[] rows) => Report(rows, denied: false);

    private static TrafficReport Report((string Prefix, ulong Out, ulong In) row, bool denied) => Report([row], denied);

    private static TrafficReport Report((string Prefix, ulong Out, ulong In)[] rows, bool denied)
    {
        var report = new TrafficReport { Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) };
        report.Destinations.AddRange(rows.Select(r => new DestinationTraffic
        {
            Destination = new Destination { Prefix = r.Prefix },
            OutputBytes = r.Out,
            OutputPackets = Math.Min(r.Out, r.Out / 100 + 1),
            InputBytes = r.In,
            InputPackets = Math.Min(r.In, r.In / 100 + 1),
        }));
        if (denied)
        {
            report.Denied.Add(new DeniedDestination { Address = "198.51.100.66", Protocol = 6, Port = 443, Packets = ulong.MaxValue, Bytes = ulong.MaxValue });
        }

        return report;
    }
}
