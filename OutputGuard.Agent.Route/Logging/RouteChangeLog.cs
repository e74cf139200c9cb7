using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Route.Reconciling;

namespace OutputGuard.Agent.Route.Logging;

/// <summary>Logs each change of a reconcile pass once, at the level an operator needs.</summary>
internal static class RouteChangeLog
{
    public static void Write(ILogger logger, ReconcileResult result)
    {
        foreach (var change in result.Changes)
        {
            var route = change.Route;
            var via = route.NextHops.Count > 0
                ? string.Join(" and ", route.NextHops.Select(h => h.Gateway?.ToString() ?? "?"))
                : route.Gateway?.ToString() ?? "(no gateway)";
            var destination = route.Destination.ToString();
            switch (change.Kind)
            {
                case RouteChangeKind.Added: Log.RouteAdded(logger, destination, via, route.Protocol, route.Table, route.Metric); break;
                case RouteChangeKind.Replaced: Log.RouteReplaced(logger, destination, via); break;
                case RouteChangeKind.Removed: Log.RouteRemoved(logger, destination, via); break;
                case RouteChangeKind.LeftForeign: Log.ForeignRouteLeftAlone(logger, destination, route.Protocol, via); break;
                default: Log.RouteFailed(logger, destination, via, change.Error ?? "?"); break;
            }
        }
    }
}
