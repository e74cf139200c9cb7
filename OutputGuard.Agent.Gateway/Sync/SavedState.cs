using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// The state file at start: enforced when it passes every check of <see cref="StateFile"/> and agrees with the table
/// the kernel holds (the <see cref="TableMarker"/>: the same store, a revision no older). Otherwise it is refused with
/// a message saying why, and the gateway keeps the table it found — forward policy drop, a new empty table when
/// there was none — until the control plane's snapshot arrives. A file is never trusted over the kernel.
/// </summary>
public static class SavedState
{
    /// <summary>Restores what <paramref name="file"/> holds; returns whether it was enforced.</summary>
    public static bool Restore(StateFile file, AppliedState state, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(state);
        AllowList? saved;
        EntryNames? names;
        try
        {
            (saved, names) = file.ReadWithNames() is { } read ? read : (null, null);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            Log.StateRefused(logger, ex.Message);
            return false;
        }

        if (saved is null)
        {
            return false;
        }

        if (state.AdoptedMarker is { Revision: > 0 } kernel)
        {
            if (kernel.StoreId.Length > 0 && saved.StoreId != kernel.StoreId)
            {
                Log.StateRefused(logger, $"{file.Path} is refused: it is from store '{Shown(saved.StoreId)}' but the kernel's table holds store '{kernel.StoreId}'.");
                return false;
            }

            if (saved.Revision < kernel.Revision)
            {
                Log.StateRefused(logger, FormattableString.Invariant(
                    $"{file.Path} is refused: its revision {saved.Revision} is older than the kernel table's revision {kernel.Revision}."));
                return false;
            }
        }

        Log.StateLoaded(logger, saved.Revision, saved.Count, file.Path);
        state.Restore(saved, names);
        return true;
    }

    private static string Shown(string storeId) => storeId.Length == 0 ? "-" : storeId;
}
