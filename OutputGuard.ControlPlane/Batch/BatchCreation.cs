using System.Globalization;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Batch;

/// <summary>
/// Creates many entries at once: each validated like a single create, all written in one store transaction with
/// at most one revision (so gateways apply them in one batch) through <see cref="AllowList.CreateManyAsync"/>, which
/// wakes the change feed once and queues the new domains for the resolver. All-or-nothing refuses the whole batch for
/// one refused item; otherwise each refused item gets its own result. The batch is bounded before any work: in bytes
/// (<see cref="InputLimits.MaxBatchBytes"/>, by <see cref="GrpcRequestSizeCheck"/> and the JSON check) and in entries
/// (<see cref="InputLimits.MaxBatchEntries"/>, here).
/// </summary>
public sealed class BatchCreation(AllowList allowList, EntryValidator validator)
{
    /// <summary>Validates and creates <paramref name="items"/> as <paramref name="actor"/>.</summary>
    /// <exception cref="EntryRejectedException">Too many items; or, with <paramref name="allOrNothing"/>, the first refused item (nothing written).</exception>
    public async Task<BatchResult> CreateAsync(
        IReadOnlyList<BatchItem> items, bool allOrNothing, string actor, bool isAdmin, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count > InputLimits.MaxBatchEntries)
        {
            throw new EntryRejectedException(RejectionReason.Invalid, string.Create(
                CultureInfo.InvariantCulture,
                $"entries holds {items.Count} entries; at most {InputLimits.MaxBatchEntries} are accepted in one batch (split it)"));
        }

        if (items.Count == 0)
        {
            throw new EntryRejectedException(RejectionReason.Invalid, "entries is empty: give at least one {\"value\": \"api.example.com\"}");
        }

        var results = new BatchItemResult?[items.Count];
        var valid = new List<(int Index, NewEntry Entry)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var name = string.Create(CultureInfo.InvariantCulture, $"entries[{i}]");
            if (!validator.TryValidate(item.Value, item.Ports, item.Note, item.Undeletable, out var entry, out var error))
            {
                results[i] = Refuse(allOrNothing, RejectionReason.Invalid, $"{name}: {error}");
            }
            else if (item.Undeletable && !isAdmin)
            {
                results[i] = Refuse(allOrNothing, RejectionReason.PermissionDenied, $"{name}: only the admin role may create an undeletable entry: it can never be deleted");
            }
            else
            {
                valid.Add((i, entry));
            }
        }

        var written = await allowList.CreateManyAsync(valid.Select(v => v.Entry).ToList(), actor, allOrNothing, cancellationToken);
        for (var j = 0; j < valid.Count; j++)
        {
            var (index, entry) = valid[j];
            var outcome = written.Items[j];
            if (outcome.Outcome == EntryWriteOutcome.Conflict)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"entries[{index}]");
                var message = outcome.Entry is { } existing
                    ? $"{name}: {existing.Name} already allows '{existing.Value}' with ports [{string.Join(", ", existing.Ports)}] and undeletable={existing.Undeletable.ToString().ToLowerInvariant()}; delete it first, or create exactly that definition"
                    : $"{name}: '{entry.Value}' is given twice in the batch with different ports or undeletable";
                results[index] = Refuse(allOrNothing, RejectionReason.AlreadyExists, message);
            }
            else
            {
                results[index] = new BatchItemResult(outcome.Entry, outcome.Outcome == EntryWriteOutcome.Created, null, null);
            }
        }

        return new BatchResult(results!, written.Revision);
    }

    private static BatchItemResult Refuse(bool allOrNothing, RejectionReason reason, string message) =>
        allOrNothing ? throw new EntryRejectedException(reason, $"{message}; nothing of the batch was written (all_or_nothing)") : new BatchItemResult(null, false, reason, message);
}
