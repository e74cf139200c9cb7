using Microsoft.Extensions.Logging;

namespace OutputGuard.Agent.Route.Logging;

/// <summary>Every message the route agent logs, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "route {Destination} added via {Via} (proto {Protocol}, table {Table}, metric {Metric})")]
    public static partial void RouteAdded(ILogger logger, string destination, string via, byte protocol, uint table, uint? metric);

    [LoggerMessage(2, LogLevel.Information, "route {Destination} replaced: now via {Via}")]
    public static partial void RouteReplaced(ILogger logger, string destination, string via);

    [LoggerMessage(3, LogLevel.Information, "route {Destination} removed (was via {Via})")]
    public static partial void RouteRemoved(ILogger logger, string destination, string via);

    [LoggerMessage(4, LogLevel.Warning, "route {Destination} not installed: a route of protocol {Protocol} with the same destination and metric exists (via {Via}); it is left alone")]
    public static partial void ForeignRouteLeftAlone(ILogger logger, string destination, byte protocol, string via);

    [LoggerMessage(5, LogLevel.Error, "route {Destination} via {Via}: the kernel refused it: {Error}")]
    public static partial void RouteFailed(ILogger logger, string destination, string via, string error);

    [LoggerMessage(6, LogLevel.Information, "reconciled ({Reason}) in {Milliseconds:F1} ms: {Added} added, {Replaced} replaced, {Removed} removed, {Unchanged} unchanged, {Foreign} left to other owners, {Failed} failed")]
    public static partial void Reconciled(ILogger logger, string reason, double milliseconds, int added, int replaced, int removed, int unchanged, int foreign, int failed);

    [LoggerMessage(7, LogLevel.Debug, "re-checked ({Reason}) in {Milliseconds:F1} ms: {Unchanged} routes as wanted")]
    public static partial void Rechecked(ILogger logger, string reason, double milliseconds, int unchanged);

    [LoggerMessage(8, LogLevel.Information, "outputguard-route {Version} starting{Netns}: {Count} public prefixes ({Families}) via {Gateways}, protocol {Protocol}, table {Table}, metric {Metric}, re-check every {Interval}")]
    public static partial void Starting(ILogger logger, string version, string netns, int count, string families, string gateways, byte protocol, uint table, uint metric, TimeSpan interval);

    [LoggerMessage(9, LogLevel.Error, "{Problem}")]
    public static partial void GatewayProblem(ILogger logger, string problem);

    [LoggerMessage(10, LogLevel.Warning, "gateway {Gateway} stopped answering on tcp/{Port} ({Failures} probes failed: {Error}); it leaves the multipath set")]
    public static partial void GatewayDown(ILogger logger, string gateway, int port, int failures, string error);

    [LoggerMessage(11, LogLevel.Information, "gateway {Gateway} answers on tcp/{Port} again; it rejoins the multipath set")]
    public static partial void GatewayUp(ILogger logger, string gateway, int port);

    [LoggerMessage(12, LogLevel.Error, "no {Family} gateway answers; the routes stay through all of them rather than letting public traffic around the gateway")]
    public static partial void AllGatewaysDown(ILogger logger, string family);

    [LoggerMessage(13, LogLevel.Error, "re-check failed ({Reason}); trying again")]
    public static partial void ReconcileFailed(ILogger logger, string reason, Exception exception);

    [LoggerMessage(14, LogLevel.Information, "cleanup: {Removed} routes of protocol {Protocol} removed from table {Table}; other routes left alone")]
    public static partial void CleanedUp(ILogger logger, int removed, byte protocol, uint table);

    [LoggerMessage(15, LogLevel.Information, "stopping ({Signal})")]
    public static partial void Stopping(ILogger logger, string signal);

    [LoggerMessage(16, LogLevel.Warning, "route events were lost (the kernel dropped messages); listing the routes again")]
    public static partial void EventsLost(ILogger logger);
}
