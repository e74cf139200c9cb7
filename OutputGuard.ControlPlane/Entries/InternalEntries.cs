using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Entries;

/// <summary>
/// IP and CIDR entries against the configured internal ranges, checked at every start (the ranges are configuration,
/// so they change only with a restart): an entry the ranges came to cover is marked SUPPRESSED_INTERNAL with the
/// range and left out of the desired state; it comes back when the configuration changes back. The change is one
/// revision, with an audit row per entry by the actor <c>system</c>. (Domain entries need no such pass: every lookup
/// sets internal addresses aside.)
/// </summary>
public static partial class InternalEntries
{
    /// <summary>The audit actor of the change.</summary>
    public const string Actor = "system";

    /// <summary>Applies <paramref name="ranges"/> to the stored entries.</summary>
    public static Task<SuppressionChange> ReconcileAsync(IControlPlaneStore store, InternalRanges ranges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.ApplyInternalRangesAsync(ranges, Actor, cancellationToken);
    }

    /// <summary>Logs what <see cref="ReconcileAsync"/> changed, once per entry.</summary>
    public static void Report(ILogger logger, SuppressionChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var value in change.Suppressed)
        {
            LogSuppressed(logger, value, change.Revision);
        }

        foreach (var value in change.Restored)
        {
            LogRestored(logger, value, change.Revision);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Entry {Value} is covered by the internal ranges now; it is kept but no longer published (revision {Revision})")]
    private static partial void LogSuppressed(ILogger logger, string value, long revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Entry {Value} is no longer covered by the internal ranges; it is published again (revision {Revision})")]
    private static partial void LogRestored(ILogger logger, string value, long revision);
}
