using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Admin;

/// <summary>
/// The page's changes, made as the signed-in token through the same services as EntryService: <see cref="AllowList"/>
/// validates, writes one transaction with its audit row, and wakes the gateways; the resolver looks a new domain up.
/// The role is checked here on the server for every change, whatever the page showed: a viewer's change is refused
/// before anything is read or written.
/// </summary>
public sealed class PageEditor(AuthenticationStateProvider authentication, AllowList allowList, IControlPlaneStore store, DomainResolver resolver)
{
    /// <summary>The signed-in user.</summary>
    public async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    /// <summary>Whether <paramref name="user"/> may change entries (editor, admin).</summary>
    public static bool CanEdit(ClaimsPrincipal user) => user is not null && (user.IsInRole(Roles.Editor) || user.IsInRole(Roles.Admin));

    /// <summary>Creates an entry (see EntryService.CreateEntry).</summary>
    /// <exception cref="EntryRejectedException">Refused, with the API's message.</exception>
    public async Task<Entry> CreateAsync(string? value, IReadOnlyList<string> ports, string? note, bool undeletable, CancellationToken cancellationToken)
    {
        var user = await WriterAsync("create entries");
        var result = await allowList.CreateAsync(value, ports, note, undeletable, user.Identity!.Name!, user.IsInRole(Roles.Admin), cancellationToken);
        if (result.Outcome == EntryWriteOutcome.Created)
        {
            resolver.Enqueue(result.Entry!);
        }

        return result.Entry!;
    }

    /// <summary>Changes an entry's ports and note (see EntryService.UpdateEntry).</summary>
    /// <exception cref="EntryRejectedException">Refused, with the API's message.</exception>
    public async Task<Entry> UpdateAsync(long id, IReadOnlyList<string>? ports, string? note, CancellationToken cancellationToken)
    {
        var user = await WriterAsync("update entries");
        return (await allowList.UpdateAsync(id, ports, note, user.Identity!.Name!, cancellationToken)).Entry!;
    }

    /// <summary>Deletes an entry (see EntryService.DeleteEntry).</summary>
    /// <exception cref="EntryRejectedException">Refused, with the API's message.</exception>
    public async Task DeleteAsync(long id, CancellationToken cancellationToken)
    {
        var user = await WriterAsync("delete entries");
        await allowList.DeleteAsync(id, user.Identity!.Name!, cancellationToken);
    }

    /// <summary>Resolves a domain entry now (see EntryService.ResolveEntry).</summary>
    /// <exception cref="EntryRejectedException">Refused: a viewer, no such entry, or not a domain that can be looked up.</exception>
    public async Task<ResolutionChange> ResolveNowAsync(long id, CancellationToken cancellationToken)
    {
        var user = await WriterAsync("resolve entries");
        var entry = await store.GetEntryAsync(id, cancellationToken)
            ?? throw new EntryRejectedException(RejectionReason.NotFound, FormattableString.Invariant($"entries/{id} does not exist"));
        if (!DomainResolver.Resolves(entry))
        {
            throw new EntryRejectedException(RejectionReason.Invalid, entry.Kind == EntryKind.Domain
                ? $"{entry.Name} ('{entry.Value}') is a wildcard; wildcards are not resolved (they cannot be looked up)"
                : $"{entry.Name} ('{entry.Value}') is an {entry.Kind.ToString().ToUpperInvariant()} entry; only domain entries are resolved");
        }

        return await resolver.ResolveNowAsync(entry, user.Identity!.Name!, cancellationToken);
    }

    private async Task<ClaimsPrincipal> WriterAsync(string what)
    {
        var user = await UserAsync();
        if (!CanEdit(user))
        {
            var role = user.FindFirstValue(ClaimTypes.Role) ?? "(none)";
            throw new EntryRejectedException(
                RejectionReason.PermissionDenied, $"role {role} (token {user.Identity?.Name ?? "?"}) may not {what}; needs editor or admin");
        }

        return user;
    }
}
