using Microsoft.Extensions.Logging;

namespace OutputGuard.Agent.Gateway;

/// <summary>The agent's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Created the table inet {Table} (forward policy drop, observe mode {Observe})")]
    public static partial void TableCreated(ILogger logger, string table, bool observe);

    [LoggerMessage(2, LogLevel.Information, "Adopted the table inet {Table}: {Elements} allow entries in the kernel")]
    public static partial void TableAdopted(ILogger logger, string table, int elements);

    [LoggerMessage(3, LogLevel.Warning, "Adopted the table with changes: {Findings}")]
    public static partial void TableAdjusted(ILogger logger, string findings);

    [LoggerMessage(4, LogLevel.Warning, "The kernel refused a change ({Error}); reading the sets again and retrying")]
    public static partial void ApplyRetry(ILogger logger, string error);

    [LoggerMessage(5, LogLevel.Warning, "Drift repaired in the table inet outputguard: {Findings}")]
    public static partial void DriftRepaired(ILogger logger, string findings);

    [LoggerMessage(7, LogLevel.Warning, "The table inet outputguard was changed by someone else; repaired in one batch within {Milliseconds} ms: {Findings}")]
    public static partial void DriftFound(ILogger logger, string findings, double milliseconds);

    [LoggerMessage(8, LogLevel.Error, "The table inet outputguard could not be verified or repaired ({Error}); retrying")]
    public static partial void RepairFailed(ILogger logger, string error);

    [LoggerMessage(9, LogLevel.Warning, "Set {Set} holds {Count} elements, more than the {Limit} read whole to verify it; its changes are checked by their events")]
    public static partial void SetTooLargeToRead(ILogger logger, string set, int count, int limit);

    [LoggerMessage(6, LogLevel.Warning, "Skipped {Destination}: it is internal ({Range}) and is never allowed")]
    public static partial void InternalSkipped(ILogger logger, string destination, string range);

    [LoggerMessage(10, LogLevel.Information, "Connected to the control plane {Address}; applied revision {Revision}")]
    public static partial void Connected(ILogger logger, string address, long revision);

    [LoggerMessage(11, LogLevel.Warning, "Sync with the control plane failed ({Error}); retrying in {Delay} ms")]
    public static partial void SyncFailed(ILogger logger, string error, long delay);

    [LoggerMessage(12, LogLevel.Information, "Applied revision {Revision} ({Kind}): +{Added} -{Removed}, {Elements} entries, {Milliseconds} ms")]
    public static partial void Applied(ILogger logger, long revision, string kind, int added, int removed, int elements, double milliseconds);

    [LoggerMessage(18, LogLevel.Error, "The control plane {Address} rejected the sync stream ({Status}: {Detail}); retrying in {Delay} ms")]
    public static partial void StreamRejected(ILogger logger, string address, string status, string detail, long delay);

    [LoggerMessage(19, LogLevel.Warning, "Refused a destination of revision {Revision}: prefix '{Prefix}' protocol {Protocol} ports {PortFrom}-{PortTo}: {Reason}; it is not applied")]
    public static partial void DestinationRefused(ILogger logger, long revision, string prefix, int protocol, uint portFrom, uint portTo, string reason);

    [LoggerMessage(20, LogLevel.Warning, "Refused {Count} more malformed destinations of revision {Revision}")]
    public static partial void MoreRefused(ILogger logger, long revision, int count);

    [LoggerMessage(21, LogLevel.Error, "The state file was not used: {Reason} The kernel table is kept as it is (forward policy drop) until the control plane sends a snapshot.")]
    public static partial void StateRefused(ILogger logger, string reason);

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

    [LoggerMessage(61, LogLevel.Information, "Hosts set {Set} made anew with room for {Size} hosts (it had {Previous}) to hold {Count}, in the batch of the change")]
    public static partial void HostsSetGrown(ILogger logger, string set, uint previous, uint size, long count);

    [LoggerMessage(62, LogLevel.Information, "Adopted the table inet {Table} without reading back the hosts sets {Sets}: {Elements} other allow entries in the kernel")]
    public static partial void TableAdoptedHostsDeferred(ILogger logger, string table, int elements, string sets);

    [LoggerMessage(63, LogLevel.Information, "Hosts set {Set} made anew with {Count} hosts (size {Size}) in the batch of the snapshot, without reading it back; {Forgotten} hosts it does not allow left the seen sets")]
    public static partial void HostsSetRemade(ILogger logger, string set, int count, uint size, int forgotten);

    [LoggerMessage(64, LogLevel.Information, "Read the hosts sets {Sets} left unread at start: {Count} hosts in {Milliseconds} ms")]
    public static partial void DeferredHostsRead(ILogger logger, string sets, int count, double milliseconds);

    [LoggerMessage(60, LogLevel.Warning, "Allowed hosts' traffic went uncounted per host: {Bytes} bytes in {Packets} packets so far (the kernel could not make their seen-set elements, usually its per-CPU atomic memory pool running dry; they passed, and count under ip=\"uncounted\")")]
    public static partial void TrafficUncounted(ILogger logger, ulong bytes, ulong packets);
}
