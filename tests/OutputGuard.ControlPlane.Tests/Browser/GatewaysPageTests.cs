using Google.Protobuf.WellKnownTypes;
using Microsoft.Playwright;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using static Microsoft.Playwright.Assertions;

namespace OutputGuard.ControlPlane.Tests.Browser;

/// <summary>The gateways and denied pages follow what gateways say on the sync stream.</summary>
[Collection(AdminPageCollection.Name)]
public sealed class GatewaysPageTests(AdminPageLab lab)
{
    [Fact]
    public async Task Gateways_page_shows_a_gateway_connected_over_the_sync_stream_its_observe_mode_and_its_revision_catching_up()
    {
        await lab.CreateEntryAsync("192.0.2.44", ["tcp/443"]);
        var (channel, gateway) = await lab.ConnectGatewayAsync(new Hello { GatewayId = "gw-page", Hostname = "edge-1", Version = "test", Observe = true });
        using var gatewayChannel = channel;
        await using var gatewayStream = gateway;
        var (revision, _) = await gateway.NextSnapshotAsync();
        var page = await lab.SignedInPageAsync(TestTokens.Viewer, "gateways");
        var row = page.Locator("tr[data-gateway='gw-page']");

        await Expect(row.GetByTestId("connected")).ToHaveTextAsync("connected");
        await Expect(row.GetByTestId("applied")).ToContainTextAsync($"0 of {revision}");
        await Expect(row.GetByTestId("applied")).ToContainTextAsync("behind");
        await Expect(row.GetByTestId("mode")).ToContainTextAsync("observe");

        await gateway.AckAsync(revision, 1);

        await Expect(row.GetByTestId("applied")).ToContainTextAsync($"{revision} of {revision} (in sync)", new() { Timeout = 15_000 });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Allow_on_a_denied_destination_opens_the_add_form_filled_with_it()
    {
        var (channel, gateway) = await lab.ConnectGatewayAsync("gw-denied", appliedRevision: 0);
        using var gatewayChannel = channel;
        await using var gatewayStream = gateway;
        await gateway.NextSnapshotAsync();
        await gateway.ReportAsync(AdminPageLab.Report([new DeniedDestination
        {
            Address = "198.51.100.77", Protocol = 6, Port = 8443, Packets = 12, Bytes = 720, LastSeen = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
        }]));
        var page = await lab.SignedInPageAsync(TestTokens.Editor, "denied");
        var row = page.Locator("tr[data-denied='198.51.100.77']");
        await Expect(row).ToContainTextAsync("gw-denied", new() { Timeout = 20_000 });

        await row.GetByRole(AriaRole.Link, new() { Name = "Allow 198.51.100.77 tcp/8443" }).ClickAsync();

        await page.WaitForURLAsync("**/entries?add=*");
        await Expect(page.Locator("#add-value")).ToHaveValueAsync("198.51.100.77");
        await Expect(page.Locator("#add-ports")).ToHaveValueAsync("tcp/8443");
        await page.Context.CloseAsync();
    }
}
