using Grpc.Core;
using Microsoft.Playwright;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using static Microsoft.Playwright.Assertions;

namespace OutputGuard.ControlPlane.Tests.Browser;

/// <summary>Entries are added, changed and deleted on the page through the API's own rules, signed in with an API token.</summary>
[Collection(AdminPageCollection.Name)]
public sealed class EntryEditingTests(AdminPageLab lab)
{
    [Fact]
    public async Task Signed_in_editor_adds_a_domain_and_an_IP_with_a_port_rule_and_sees_them_listed()
    {
        var page = await lab.SignedInPageAsync(TestTokens.Editor, "entries");
        await Expect(page.GetByTestId("who")).ToContainTextAsync("ops-editor");

        await AddAsync(page, "shop.example.net", "tcp/443");
        await AddAsync(page, "203.0.113.21", "tcp/8443");

        await SearchAsync(page, "shop.example.net");
        await Expect(page.Locator("tr[data-entry='shop.example.net']")).ToContainTextAsync("tcp/443");
        await SearchAsync(page, "203.0.113.21");
        await Expect(page.Locator("tr[data-entry='203.0.113.21/32']")).ToContainTextAsync("tcp/8443");
        var stored = (await lab.EntriesAsync("203.0.113.21")).Single();
        Assert.Equal(["tcp/8443"], stored.Ports);
        Assert.Contains(await lab.AuditAsync(), a => a.Actor == "ops-editor" && a.Action == "entry.create" && a.Entry == stored.Name);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Editor_changes_a_port_rule_in_place()
    {
        await lab.CreateEntryAsync("203.0.113.22", ["tcp/80"]);
        var page = await lab.SignedInPageAsync(TestTokens.Editor, "entries");
        await SearchAsync(page, "203.0.113.22");

        await page.GetByRole(AriaRole.Button, new() { Name = "Edit 203.0.113.22/32" }).ClickAsync();
        await page.Locator("#edit-ports").FillAsync("tcp/8080");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Expect(page.Locator("tr[data-entry='203.0.113.22/32']")).ToContainTextAsync("tcp/8080");
        Assert.Equal(["tcp/8080"], (await lab.EntriesAsync("203.0.113.22")).Single().Ports);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Editor_deletes_an_IP_after_confirming()
    {
        await lab.CreateEntryAsync("203.0.113.23", ["udp/53"]);
        var page = await lab.SignedInPageAsync(TestTokens.Editor, "entries");
        await SearchAsync(page, "203.0.113.23");

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete 203.0.113.23/32" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm delete 203.0.113.23/32" }).ClickAsync();

        await Expect(page.Locator("tr[data-entry='203.0.113.23/32']")).ToHaveCountAsync(0);
        Assert.Empty(await lab.EntriesAsync("203.0.113.23"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Internal_IP_is_refused_with_the_API_message_at_the_field()
    {
        using var channel = lab.Channel(TestTokens.Editor);
        var api = await Assert.ThrowsAsync<RpcException>(async () =>
            await new EntryService.EntryServiceClient(channel).CreateEntryAsync(new CreateEntryRequest { Entry = new V1.Entry { Value = "10.20.30.40" } }));
        var page = await lab.SignedInPageAsync(TestTokens.Editor, "entries");

        await page.Locator("#add-value").FillAsync("10.20.30.40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();

        await Expect(page.Locator("#add-value-error")).ToHaveTextAsync(api.Status.Detail);
        await Expect(page.Locator("#add-value")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Locator("#add-value")).ToHaveAttributeAsync("aria-describedby", "add-value-error");
        Assert.Empty(await lab.EntriesAsync("10.20.30.40"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Undeletable_entry_says_why_it_cannot_be_deleted_and_offers_no_way_to()
    {
        await lab.CreateEntryAsync("198.51.100.30", ["tcp/443"], undeletable: true);
        var page = await lab.SignedInPageAsync(TestTokens.Editor, "entries");
        await SearchAsync(page, "198.51.100.30");

        var row = page.Locator("tr[data-entry='198.51.100.30/32']");
        await Expect(row).ToContainTextAsync("Cannot be deleted: it was created undeletable.");
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        // An editor is not offered undeletable entries at all (only an admin may create them).
        await Expect(page.Locator("#add-undeletable")).ToHaveCountAsync(0);
        Assert.Single(await lab.EntriesAsync("198.51.100.30"));
        await page.Context.CloseAsync();
    }

    private static async Task AddAsync(IPage page, string value, string ports)
    {
        await page.Locator("#add-value").FillAsync(value);
        await page.Locator("#add-ports").FillAsync(ports);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Added" })).ToContainTextAsync(value);
    }

    private static async Task SearchAsync(IPage page, string text)
    {
        await page.Locator("#search").FillAsync(text);
        await Expect(page.GetByTestId("entry-count")).ToContainTextAsync("of 1");
    }
}
