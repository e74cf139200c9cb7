using Microsoft.Playwright;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace OutputGuard.ControlPlane.Tests.Browser;

/// <summary>A viewer sees everything and no edit control, and the server refuses an edit a viewer forges anyway.</summary>
[Collection(AdminPageCollection.Name)]
public sealed class ViewerTests(AdminPageLab lab)
{
    [Fact]
    public async Task Viewer_sees_the_entries_and_no_edit_control()
    {
        var entry = await lab.CreateEntryAsync("viewer.example.org", ["tcp/443"]);
        var page = await lab.SignedInPageAsync(TestTokens.Viewer, "entries");
        await page.Locator("#search").FillAsync("viewer.example.org");

        await Expect(page.Locator("tr[data-entry='viewer.example.org']")).ToContainTextAsync("tcp/443");
        await Expect(page.Locator("#add-value")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Edit viewer.example.org" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete viewer.example.org" })).ToHaveCountAsync(0);

        await page.GotoAsync(lab.Url(entry.Name));
        await AdminPageLab.InteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "viewer.example.org" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resolve now" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Forged_form_post_with_a_viewer_session_is_refused_and_audited_nowhere()
    {
        var page = await lab.SignedInPageAsync(TestTokens.Viewer, "entries");
        var antiforgery = await page.Locator("input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");
        var auditBefore = (await lab.AuditAsync()).Count;

        // The page's form, posted by hand with the viewer's cookie and a valid antiforgery token.
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("__RequestVerificationToken", antiforgery!);
        form.Set("_handler", "add");
        form.Set("value", "203.0.113.66");
        var forged = await page.Context.APIRequest.PostAsync(lab.Url("entries"), new() { Form = form, MaxRedirects = 0 });
        // The JSON API with the session cookie instead of a bearer token.
        var api = await page.Context.APIRequest.PostAsync(lab.Url("v1/entries"), new()
        {
            DataObject = new { entry = new { value = "203.0.113.66" } },
            Headers = new Dictionary<string, string> { ["X-CSRF"] = antiforgery! },
        });

        Assert.InRange(forged.Status, 400, 499);
        Assert.Equal(401, api.Status);
        Assert.Contains("\"code\":16", await api.TextAsync(), StringComparison.Ordinal);
        Assert.Empty(await lab.EntriesAsync("203.0.113.66"));
        Assert.Equal(auditBefore, (await lab.AuditAsync()).Count);
        await page.Context.CloseAsync();
    }
}
