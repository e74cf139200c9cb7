// outputguard-route: routes every public range to the OutputGuard gateway(s) and keeps it so.
// Exit codes: 0 stopped cleanly (or dry run / cleanup done), 1 cannot work (gateway not on-link, no
// CAP_NET_ADMIN, namespace missing), 2 configuration error.
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Route.Agent;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Agent.Route.Diagnostics;
using OutputGuard.Agent.Route.Gateways;
using OutputGuard.Agent.Route.Logging;
using OutputGuard.Agent.Route.Planning;
using OutputGuard.Agent.Route.Reconciling;
using OutputGuard.Configuration.Startup;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;

var report = new StartupReport(RouteAgentConfiguration.Program.Name, Console.Error);
var loaded = RouteAgentConfiguration.Load(args, ProcessEnvironment.Variables(), Console.Out);
if (report.ExitCodeFor(loaded) is { } exit)
{
    return exit;
}

var options = loaded.Options!.ToOptions([])!;

var logger = new StderrLogger(options.Verbose ? LogLevel.Debug : LogLevel.Information);
var plan = RoutePlan.Create(options);
if (!options.DryRun && Capabilities.HasNetAdmin() == false)
{
    return report.StartFailed(Capabilities.MissingNetAdmin);
}

if (options.Netns is { } netns && !File.Exists(Path.Combine("/var/run/netns", netns)))
{
    return report.StartFailed($"netns {netns}: no such network namespace (/var/run/netns/{netns}); create it (ip netns add {netns}) or fix netns");
}

Rtnl rtnl;
try
{
    rtnl = options.Netns is null ? Rtnl.Open() : Rtnl.OpenIn(options.Netns);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NetlinkException)
{
    return report.StartFailed($"netns {options.Netns}: cannot open the namespace ({ex.Message}); create it (ip netns add {options.Netns}) or fix netns");
}

using (rtnl)
using (var stop = new CancellationTokenSource())
{
    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Log.Stopping(logger, context.Signal.ToString());
        stop.Cancel();
    }

    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
    try
    {
        if (options.DryRun)
        {
            // The same checks as a real run (the gateways are on-link here), then the plan; nothing is changed.
            GatewayLinkResolver.Resolve(rtnl, options.Gateways, options.Table, out var problems);
            if (problems.Count > 0)
            {
                return report.StartFailed(string.Join("; ", problems));
            }

            DryRunPrinter.Print(plan, options, Console.Out, Console.Error);
            return 0;
        }

        if (options.Cleanup)
        {
            var reconciler = new RouteReconciler(rtnl, options.Protocol, options.Table, options.Metric);
            var result = reconciler.RemoveAll();
            RouteChangeLog.Write(logger, result);
            Log.CleanedUp(logger, result.Count(RouteChangeKind.Removed), options.Protocol, options.Table);
            return result.Count(RouteChangeKind.Failed) == 0 ? 0 : 1;
        }

        return await new RouteAgent(options, plan, logger).RunAsync(rtnl, stop.Token);
    }
    catch (NetlinkException ex) when (Capabilities.IsPermissionDenied(ex))
    {
        return report.StartFailed($"{Capabilities.MissingNetAdmin} (the kernel answered {ex.ErrnoName} to {ex.Request})");
    }
    catch (NetlinkException ex)
    {
        return report.StartFailed($"netlink: {ex.Message}");
    }
}
