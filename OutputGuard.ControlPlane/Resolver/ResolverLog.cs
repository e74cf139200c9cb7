namespace OutputGuard.ControlPlane.Resolver;

/// <summary>The resolver's log messages: each state change once, at the level an operator needs.</summary>
internal static partial class ResolverLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "resolver: leading (resolving {Count} domain entries with name servers {Servers})")]
    public static partial void Leading(ILogger logger, int count, string servers);

    [LoggerMessage(Level = LogLevel.Warning, Message = "resolver: stopped leading; another replica may take over")]
    public static partial void LeadershipLost(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "resolver: the loop failed, retrying in {Delay}")]
    public static partial void LoopFailing(ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "resolver: the loop works again")]
    public static partial void LoopRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "resolver: entries/{EntryId} ({Domain}) lookup fails: {Error}")]
    public static partial void LookupFailing(ILogger logger, long entryId, string domain, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "resolver: entries/{EntryId} ({Domain}) lookup is partial: {Types} failed, the other answers are published: {Error}")]
    public static partial void LookupPartial(ILogger logger, long entryId, string domain, string types, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "resolver: entries/{EntryId} ({Domain}) resolves again")]
    public static partial void LookupRecovered(ILogger logger, long entryId, string domain);

    [LoggerMessage(Level = LogLevel.Information, Message = "resolver: entries/{EntryId} ({Domain}) revision {Revision}: +{Added} -{Removed} addresses")]
    public static partial void Changed(ILogger logger, long entryId, string domain, long revision, int added, int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "resolver: entries/{EntryId} ({Domain}) could not be written; retrying later")]
    public static partial void WriteFailed(ILogger logger, Exception exception, long entryId, string domain);
}
