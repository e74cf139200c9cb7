using Microsoft.Extensions.Logging;

namespace OutputGuard.Agent.Gateway;

/// <summary>The agent's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Created the table inet {Table} (forward policy drop, observe mode {Observe})")]
    public static partial void TableCreated(ILogger logger, string table, bool observe);

    [LoggerMessage(2, LogLevel.Information, "Adopted the table inet {Table}: {Elements} allow entries in the kernel")]
    public static partial void TableAdopted(ILogger logger, string table, int elements);

    [LoggerMessage(3, LogLevel.Warning, "Replaced the rules of the table ({Old} rules found, {New} written)")]
    public static partial void RulesReplaced(ILogger logger, int old, int @new);

    [LoggerMessage(4, LogLevel.Warning, "The kernel refused a change ({Error}); reading the sets again and retrying")]
    public static partial void ApplyRetry(ILogger logger, string error);

    [LoggerMessage(6, LogLevel.Warning, "Skipped {Destination}: it is internal ({Range}) and is never allowed")]
    public static partial void InternalSkipped(ILogger logger, string destination, string range);

    [LoggerMessage(10, LogLevel.Information, "Connected to the control plane {Address}; applied revision {Revision}")]
    public static partial void Connected(ILogger logger, string address, long revision);

    [LoggerMessage(11, LogLevel.Warning, "Sync with the control plane failed ({Error}); retrying in {Delay} ms")]
    public static partial void SyncFailed(ILogger logger, string error, long delay);

    [LoggerMessage(12, LogLevel.Information, "Applied revision {Revision} ({Kind}): +{Added} -{Removed}, {Elements} entries, {Milliseconds} ms")]
    public static partial void Applied(ILogger logger, long revision, string kind, int added, int removed, int elements, double milliseconds);

    [LoggerMessage(13, LogLevel.Information, "Enforcing the saved state of revision {Revision} ({Count} destinations) from {Path}")]
    public static partial void StateLoaded(ILogger logger, long revision, int count, string path);

    [LoggerMessage(14, LogLevel.Warning, "Could not write the state file {Path}: {Error}")]
    public static partial void StateWriteFailed(ILogger logger, string path, string error);

    [LoggerMessage(15, LogLevel.Warning, "Revision {Revision} does not follow the applied revision {Applied}; resyncing")]
    public static partial void RevisionGap(ILogger logger, long revision, long applied);

    [LoggerMessage(16, LogLevel.Warning, "Reading kernel counters failed: {Error}")]
    public static partial void CountersFailed(ILogger logger, string error);

    [LoggerMessage(17, LogLevel.Information, "Metrics on http://{Address}/metrics")]
    public static partial void MetricsListening(ILogger logger, string address);

    [LoggerMessage(40, LogLevel.Warning, "Observe mode: traffic that is not allowed passes (recorded as denied) while this gateway runs; a start without --observe turns it off")]
    public static partial void ObserveMode(ILogger logger);

    [LoggerMessage(41, LogLevel.Information, "Observe mode off: the forward chain drops traffic that is not allowed again")]
    public static partial void ObserveModeOff(ILogger logger);
}
