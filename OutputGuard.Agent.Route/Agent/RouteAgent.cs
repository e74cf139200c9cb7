using System.Diagnostics;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Agent.Route.Gateways;
using OutputGuard.Agent.Route.Logging;
using OutputGuard.Agent.Route.Planning;
using OutputGuard.Agent.Route.Reconciling;
using OutputGuard.Netlink.Routing;

namespace OutputGuard.Agent.Route.Agent;

/// <summary>
/// The agent's loop: check the gateways are on-link, install the plan, then re-check on every route or link
/// event, on every gateway health change and on a timer, until stopped. One pass at a time; events that arrive
/// during a pass cause exactly one more.
/// </summary>
/// <param name="options">Validated options.</param>
/// <param name="plan">The routes wanted.</param>
/// <param name="logger">Where changes are logged.</param>
public sealed class RouteAgent(RouteAgentOptions options, RoutePlan plan, ILogger logger)
{
    private readonly Channel<string> _triggers = Channel.CreateBounded<string>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private string _lastProblems = "";
    private string _lastAllDown = "";
    private HashSet<Addressing.IpPrefix> _knownForeign = [];

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> fires. Returns 1 without changing anything when a
    /// gateway is not on-link at start.
    /// </summary>
    public async Task<int> RunAsync(Rtnl rtnl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rtnl);
        var reconciler = new RouteReconciler(rtnl, options.Protocol, options.Table, options.Metric);
        GatewayLinkResolver.Resolve(rtnl, options.Gateways, options.Table, out var problems);
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                Log.GatewayProblem(logger, problem);
            }

            return 1;
        }

        Log.Starting(
            logger,
            typeof(RouteAgent).Assembly.GetName().Version?.ToString() ?? "?",
            options.Netns is null ? "" : $" in namespace {options.Netns}",
            plan.All.Count(),
            string.Join(", ", plan.Prefixes.Select(p => $"{(p.Key == AddressFamily.InterNetwork ? "IPv4" : "IPv6")} {p.Value.Count}")),
            string.Join(", ", options.Gateways),
            options.Protocol,
            options.Table,
            options.Metric,
            options.Interval);

        using var routeEvents = rtnl.RouteSubscribe();
        using var linkEvents = rtnl.LinkSubscribe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var health = options.ProbePort is { } port
            ? new GatewayHealth(options.Gateways, port, options.ProbeInterval, options.ProbeFailures, options.Netns, logger, () => Trigger("gateway health"))
            : null;
        var background = new List<Task>
        {
            PumpRoutesAsync(routeEvents, stop.Token),
            PumpLinksAsync(linkEvents, stop.Token),
        };
        if (health is not null)
        {
            background.Add(health.RunAsync(stop.Token));
        }

        try
        {
            var reason = "start";
            while (!cancellationToken.IsCancellationRequested)
            {
                Pass(rtnl, reconciler, health, reason);
                reason = await NextTriggerAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await Task.WhenAll(background).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (options.CleanupOnStop)
        {
            var removed = reconciler.RemoveAll();
            RouteChangeLog.Write(logger, removed);
            Log.CleanedUp(logger, removed.Count(RouteChangeKind.Removed), options.Protocol, options.Table);
        }

        return 0;
    }

    /// <summary>Asks for a pass soon (coalesced with any pass already asked for).</summary>
    public void Trigger(string reason) => _triggers.Writer.TryWrite(reason);

    private void Pass(Rtnl rtnl, RouteReconciler reconciler, GatewayHealth? health, string reason)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var resolved = GatewayLinkResolver.Resolve(rtnl, options.Gateways, options.Table, out var problems);
            var joined = string.Join('\n', problems);
            if (joined != _lastProblems)
            {
                foreach (var problem in problems)
                {
                    Log.GatewayProblem(logger, problem);
                }

                _lastProblems = joined;
            }

            health?.UpdateLinks(resolved);
            var active = new List<OnLinkGateway>();
            var allDown = new List<string>();
            foreach (var family in resolved.GroupBy(g => g.Gateway.Family))
            {
                var alive = family.Where(g => health?.IsAlive(g.Gateway) ?? true).ToList();
                if (alive.Count == 0)
                {
                    allDown.Add(family.Key == AddressFamily.InterNetwork ? "IPv4" : "IPv6");
                    alive = [.. family];
                }

                active.AddRange(alive);
            }

            var down = string.Join(',', allDown);
            if (down != _lastAllDown)
            {
                allDown.ForEach(f => Log.AllGatewaysDown(logger, f));
                _lastAllDown = down;
            }

            var result = Quieter(reconciler.Reconcile(plan, active));
            RouteChangeLog.Write(logger, result);
            var ms = watch.Elapsed.TotalMilliseconds;
            if (result.Changes.Count > 0)
            {
                Log.Reconciled(logger, reason, ms, result.Count(RouteChangeKind.Added), result.Count(RouteChangeKind.Replaced),
                    result.Count(RouteChangeKind.Removed), result.Unchanged, result.Count(RouteChangeKind.LeftForeign), result.Count(RouteChangeKind.Failed));
            }
            else
            {
                Log.Rechecked(logger, reason, ms, result.Unchanged);
            }
        }
        catch (Exception ex) when (IsTransient(ex))
        {
            // The next event or timer tick tries again; a missing capability is not transient and ends the agent.
            Log.ReconcileFailed(logger, reason, ex);
        }
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        Netlink.Sockets.NetlinkException n => !Diagnostics.Capabilities.IsPermissionDenied(n),
        Netlink.Sockets.NetlinkFormatException or IOException => true,
        _ => false,
    };

    /// <summary>Drops the foreign-route collisions already reported by an earlier pass (they would repeat every pass).</summary>
    private ReconcileResult Quieter(ReconcileResult result)
    {
        var foreign = result.Changes.Where(c => c.Kind == RouteChangeKind.LeftForeign).Select(c => c.Route.Destination).ToHashSet();
        var fresh = result.Changes.Where(c => c.Kind != RouteChangeKind.LeftForeign || !_knownForeign.Contains(c.Route.Destination)).ToList();
        _knownForeign = foreign;
        return result with { Changes = fresh };
    }

    private async Task<string> NextTriggerAsync(CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(options.Interval);
        try
        {
            return await _triggers.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "timer";
        }
    }

    private async Task PumpRoutesAsync(Netlink.Sockets.NetlinkSubscription<RouteUpdate> events, CancellationToken cancellationToken)
    {
        await foreach (var update in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (update.Route is null)
            {
                Log.EventsLost(logger);
                Trigger("events lost");
            }
            else if (update.Route.Table == options.Table)
            {
                Trigger($"route {update.Route.Destination} {(update.Kind == RtnlUpdateKind.Deleted ? "deleted" : "added")}");
            }
        }
    }

    private async Task PumpLinksAsync(Netlink.Sockets.NetlinkSubscription<LinkUpdate> events, CancellationToken cancellationToken)
    {
        await foreach (var update in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Trigger(update.Link is null ? "link events lost" : $"link {update.Link.Name} changed");
        }
    }
}
