using Microsoft.Extensions.Logging;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>What the sync client logs when domain rules arrive.</summary>
public static partial class DomainRulesLog
{
    /// <summary>Logs a received list, and the rules refused from it.</summary>
    public static void Received(ILogger logger, IReadOnlyList<string> refused, int count)
    {
        ArgumentNullException.ThrowIfNull(refused);
        LogReceived(logger, count);
        if (refused.Count > 0)
        {
            LogRefused(logger, refused.Count, refused[0]);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Received {Count} domain rules for the DNS proxy")]
    private static partial void LogReceived(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} malformed domain rule(s), e.g. {Reason}")]
    private static partial void LogRefused(ILogger logger, int count, string reason);
}
