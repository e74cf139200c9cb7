using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Sync;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// The allow-list's use cases: create, update and delete entries, validated first, each one store
/// transaction. After a commit that changed something, the change feed is woken so connected gateways get the new
/// revision at once, and a created domain entry is queued for the resolver: every entry point (API, page, batch, legacy
/// API, import) that goes through here gets both. A separate process (import-legacy) has neither: it passes null, and
/// the running control plane's feed finds the revision when it polls the store (<c>change_poll_interval_ms</c>) and its
/// resolver finds the new domains at its next read of new entries.
/// </summary>
public sealed class AllowList(IControlPlaneStore store, EntryValidator validator, ChangeFeed? feed, DomainResolver? resolver)
{
    /// <summary>Validates and creates; returns the created or identical existing entry.</summary>
    /// <exception cref="EntryRejectedException">Invalid input, a conflicting entry, or an undeletable entry without the admin role.</exception>
    public async Task<EntryWriteResult> CreateAsync(
        string? value, IEnumerable<string>? ports, string? note, bool undeletable, string actor, bool isAdmin, CancellationToken cancellationToken)
    {
        if (!validator.TryValidate(value, ports, note, undeletable, out var entry, out var error))
        {
            throw new EntryRejectedException(RejectionReason.Invalid, error);
        }

        if (undeletable && !isAdmin)
        {
            throw new EntryRejectedException(RejectionReason.PermissionDenied, "only the admin role may create an undeletable entry: it can never be deleted");
        }

        var result = await store.CreateEntryAsync(entry, actor, cancellationToken);
        switch (result.Outcome)
        {
            case EntryWriteOutcome.Conflict:
                var existing = result.Entry!;
                throw new EntryRejectedException(
                    RejectionReason.AlreadyExists,
                    $"{existing.Name} already allows '{existing.Value}' with ports [{string.Join(", ", existing.Ports)}] and undeletable={existing.Undeletable.ToString().ToLowerInvariant()}; delete it first, or create exactly that definition");
            case EntryWriteOutcome.Created:
                Published([result.Entry!]);
                break;
        }

        return result;
    }

    /// <summary>
    /// Creates validated <paramref name="entries"/> in one store transaction with at most one revision (so gateways apply
    /// them in one batch); with <paramref name="allOrNothing"/> nothing is written when one conflicts. Callers validate
    /// and bound the list first (<see cref="Batch.BatchCreation"/>, the import's plan).
    /// </summary>
    public async Task<BatchWriteResult> CreateManyAsync(IReadOnlyList<NewEntry> entries, string actor, bool allOrNothing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var written = await store.CreateEntriesAsync(entries, actor, allOrNothing, cancellationToken);
        if (written.Written)
        {
            Published(written.Items.Where(i => i.Outcome == EntryWriteOutcome.Created).Select(i => i.Entry!));
        }

        return written;
    }

    /// <summary>Changes an entry's ports and/or note (null: unchanged) in one store transaction.</summary>
    /// <exception cref="EntryRejectedException">Invalid ports or note, no such entry, or new ports for an undeletable entry.</exception>
    public async Task<EntryWriteResult> UpdateAsync(long id, IEnumerable<string>? ports, string? note, string actor, CancellationToken cancellationToken)
    {
        if (!EntryValidator.TryValidatePatch(ports, note, out var patch, out var error))
        {
            throw new EntryRejectedException(RejectionReason.Invalid, error);
        }

        var result = await store.UpdateEntryAsync(id, patch, actor, cancellationToken);
        switch (result.Outcome)
        {
            case EntryWriteOutcome.NotFound:
                throw NotFound(id);
            case EntryWriteOutcome.Undeletable:
                throw Undeletable(result.Entry!, "its ports cannot change (that could take away what it allows); its note can");
            case EntryWriteOutcome.Updated:
                feed?.Notify();
                break;
        }

        return result;
    }

    /// <summary>Deletes an entry.</summary>
    /// <exception cref="EntryRejectedException">No such entry, or it is undeletable.</exception>
    public async Task<EntryWriteResult> DeleteAsync(long id, string actor, CancellationToken cancellationToken)
    {
        var result = await store.DeleteEntryAsync(id, actor, cancellationToken);
        switch (result.Outcome)
        {
            case EntryWriteOutcome.NotFound:
                throw NotFound(id);
            case EntryWriteOutcome.Undeletable:
                throw Undeletable(result.Entry!, "it was created so and can never be deleted");
            default:
                feed?.Notify();
                return result;
        }
    }

    /// <summary>Wakes the feed for the new revision and queues the created domains for the resolver.</summary>
    private void Published(IEnumerable<Entry> created)
    {
        feed?.Notify();
        if (resolver is not null)
        {
            foreach (var entry in created)
            {
                resolver.Enqueue(entry);
            }
        }
    }

    private static EntryRejectedException NotFound(long id) =>
        new(RejectionReason.NotFound, FormattableString.Invariant($"entries/{id} does not exist"));

    private static EntryRejectedException Undeletable(Entry entry, string consequence) =>
        new(RejectionReason.Undeletable, $"{entry.Name} ('{entry.Value}') is undeletable: {consequence}");

    /// <summary>Parses a resource name "entries/{id}"; <paramref name="field"/> names the request field in the refusal.</summary>
    /// <exception cref="EntryRejectedException">The name is not of that form.</exception>
    public static long ParseName(string? name, string field = "name")
    {
        const string prefix = "entries/";
        if (name is null || !name.StartsWith(prefix, StringComparison.Ordinal)
            || !long.TryParse(name.AsSpan(prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            || id <= 0)
        {
            throw new EntryRejectedException(RejectionReason.Invalid, $"{field} {Api.InputLimits.Quote(name)} is not an entry name like entries/42");
        }

        return id;
    }
}
