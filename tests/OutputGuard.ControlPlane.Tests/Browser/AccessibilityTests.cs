using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Browser;

/// <summary>
/// Every page at a laptop's width and a phone's: axe-core (the npm package, injected into the page) finds no serious
/// or critical violation, and a full-page screenshot of each is kept in artifacts/browser-tests.
/// </summary>
[Collection(AdminPageCollection.Name)]
public sealed class AccessibilityTests(AdminPageLab lab, ITestOutputHelper output)
{
    public static TheoryData<int> Widths => new() { AdminPageLab.Laptop, AdminPageLab.Phone };

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task No_page_has_a_serious_or_critical_axe_violation(int width)
    {
        var pages = await PagesAsync();
        var report = new List<string>();
        var serious = new List<string>();
        await foreach (var (name, page) in VisitAsync(pages, width))
        {
            var (found, all) = await AdminPageLab.AxeAsync(page);
            report.Add(string.Create(CultureInfo.InvariantCulture, $"{name} @ {width}px: {all} violations, {found.Count} serious or critical"));
            serious.AddRange(found.Select(f => $"{name} @ {width}px: {f}"));
        }

        var path = AdminPageLab.WriteArtifact($"axe-{width}.txt", string.Join('\n', report.Concat(serious)) + "\n");
        output.WriteLine($"axe report: {path}");
        report.ForEach(output.WriteLine);
        Assert.Equal(pages.Count, report.Count);
        Assert.True(serious.Count == 0, string.Join('\n', serious));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public async Task Every_page_is_saved_as_a_screenshot(int width)
    {
        var pages = await PagesAsync();
        var saved = new List<string>();
        await foreach (var (name, page) in VisitAsync(pages, width))
        {
            var path = Path.Combine(AdminPageLab.ArtifactsFolder, "screenshots", string.Create(CultureInfo.InvariantCulture, $"{name}-{width}.png"));
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
            output.WriteLine($"screenshot: {path}");
            saved.Add(path);
        }

        Assert.Equal(pages.Count, saved.Count);
        Assert.All(saved, p => Assert.True(new FileInfo(p).Length > 1000, $"{p} is empty"));
    }

    /// <summary>Each page's name and path, with data on every one: entries of each kind, a gateway, traffic, denied destinations, history.</summary>
    private async Task<List<(string Name, string Path)>> PagesAsync()
    {
        var domain = await SeedAsync();
        return
        [
            ("signin", "signin"), ("overview", ""), ("entries", "entries"), ("entry-detail", domain), ("gateways", "gateways"),
            ("traffic", "traffic"), ("denied", "denied"), ("audit", "audit"),
        ];
    }

    private async IAsyncEnumerable<(string Name, IPage Page)> VisitAsync(List<(string Name, string Path)> pages, int width)
    {
        var page = await lab.SignedInPageAsync(TestTokens.Admin, "", width);
        var anonymous = await lab.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 } });
        try
        {
            foreach (var (name, path) in pages)
            {
                if (name == "signin")
                {
                    var signIn = await anonymous.NewPageAsync();
                    await signIn.GotoAsync(lab.Url(path));
                    yield return (name, signIn);
                    continue;
                }

                await page.GotoAsync(lab.Url(path));
                await AdminPageLab.InteractiveAsync(page);
                await page.Locator("main h1").WaitForAsync();
                await page.Locator("main [role=status]:text('Loading')").WaitForAsync(new() { State = WaitForSelectorState.Detached });
                yield return (name, page);
            }
        }
        finally
        {
            await anonymous.CloseAsync();
            await page.Context.CloseAsync();
        }
    }

    private static readonly SemaphoreSlim Seeding = new(1, 1);
    private static string? _seeded;

    private async Task<string> SeedAsync()
    {
        await Seeding.WaitAsync();
        try
        {
            if (_seeded is not null)
            {
                return _seeded;
            }

            var domain = await lab.CreateEntryAsync("api.payments.example.com", ["tcp/443"], note: "card processor");
            await lab.CreateEntryAsync("*.cdn.example.net", ["tcp/443", "tcp/80"]);
            await lab.CreateEntryAsync("203.0.113.0/28", [], note: "partner range");
            await lab.CreateEntryAsync("2001:db8::10", ["udp/53"], undeletable: true, note: "resolver");
            await lab.CreateEntryAsync("192.0.2.80", ["tcp/443"]);
            var (channel, gateway) = await lab.ConnectGatewayAsync("gw-shots", 0);
            using var gatewayChannel = channel;
            await using var gatewayStream = gateway;
            var (revision, _) = await gateway.NextSnapshotAsync();
            await gateway.AckAsync(revision, 5);
            await gateway.ReportAsync(AdminPageLab.Report(
                [new DeniedDestination { Address = "198.51.100.99", Protocol = 17, Port = 123, Packets = 40, Bytes = 3200, LastSeen = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow) }],
                [new DestinationTraffic { Destination = new Destination { Prefix = "192.0.2.80/32", Protocol = L4Protocol.Tcp, PortFrom = 443, PortTo = 443 }, OutputBytes = 52_000_000, OutputPackets = 40_000, InputBytes = 310_000_000, InputPackets = 220_000 }]));
            await Eventually.True(async () => (await lab.Backend.QueryAsync<long>("SELECT COUNT(*) FROM traffic")).Single() > 0, TimeSpan.FromSeconds(20), "the traffic report was written");
            // An hour of history, as the sampler writes it once a minute, so that the chart has a line to draw.
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 60_000 * 60_000;
            await lab.Backend.ExecuteAsync(
                "INSERT OR REPLACE INTO traffic_history (at, dkey, out_bytes, in_bytes, out_packets, in_packets) VALUES (@At, '', @Out, @In, @Out / 1000, @In / 1000)",
                Enumerable.Range(0, 60).Select(i => new { At = now - ((60 - i) * 60_000L), Out = (5e6 * i) + (8e6 * Math.Sin(i / 6.0)), In = (12e6 * i) + (30e6 * Math.Sin(i / 9.0)) }));
            return _seeded = domain.Name;
        }
        finally
        {
            Seeding.Release();
        }
    }
}
