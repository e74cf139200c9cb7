using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using OutputGuard.ControlPlane.Admin;
using OutputGuard.ControlPlane.Audit;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Browser;

/// <summary>
/// The page's changes are checked on the server whatever the browser showed: a change made in a viewer's circuit (a
/// forged event, a control the page never rendered) is refused before anything is written, and an editor's
/// undeletable entry is refused with the API's message. The real control plane in this process, on SQLite.
/// </summary>
public sealed class PageEditorTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task A_viewer_change_is_refused_on_the_server_and_audited_nowhere()
    {
        var editor = EditorFor("ops-viewer", Roles.Viewer);
        var before = (await fixture.Server.Store.ListAuditEventsAsync(new AuditFilter(), 0, 1000, default)).Count;

        var create = await Assert.ThrowsAsync<EntryRejectedException>(() => editor.CreateAsync("203.0.113.91", ["tcp/443"], "", false, default));
        var delete = await Assert.ThrowsAsync<EntryRejectedException>(() => editor.DeleteAsync(1, default));

        Assert.Equal(RejectionReason.PermissionDenied, create.Reason);
        Assert.Equal("role viewer (token ops-viewer) may not create entries; needs editor or admin", create.Message);
        Assert.Equal(RejectionReason.PermissionDenied, delete.Reason);
        Assert.Empty(await fixture.Server.Store.ListEntriesAsync(new EntryFilter(ValueContains: "203.0.113.91"), 0, 10, default));
        Assert.Equal(before, (await fixture.Server.Store.ListAuditEventsAsync(new AuditFilter(), 0, 1000, default)).Count);
    }

    [Fact]
    public async Task An_editor_cannot_create_an_undeletable_entry()
    {
        var editor = EditorFor("ops-editor", Roles.Editor);

        var refused = await Assert.ThrowsAsync<EntryRejectedException>(() => editor.CreateAsync("203.0.113.92", [], "", true, default));

        Assert.Equal(RejectionReason.PermissionDenied, refused.Reason);
        Assert.Equal("only the admin role may create an undeletable entry: it can never be deleted", refused.Message);
        Assert.Empty(await fixture.Server.Store.ListEntriesAsync(new EntryFilter(ValueContains: "203.0.113.92"), 0, 10, default));
    }

    private PageEditor EditorFor(string name, string role)
    {
        var services = fixture.Server.App.Services;
        return new PageEditor(
            new FixedUser(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], AdminPage.CookieScheme))),
            services.GetRequiredService<AllowList>(),
            fixture.Server.Store,
            services.GetRequiredService<DomainResolver>());
    }

    private sealed class FixedUser(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}
