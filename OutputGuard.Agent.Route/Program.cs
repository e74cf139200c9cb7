// outputguard-route: routes every public range to the OutputGuard gateway(s) and keeps it so.
// Exit codes: 0 stopped cleanly (or dry run / cleanup done), 1 cannot work (gateway not on-link, no
// CAP_NET_ADMIN, namespace missing), 2 usage error.
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Route.Agent;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Agent.Route.Diagnostics;
using OutputGuard.Agent.Route.Logging;
using OutputGuard.Agent.Route.Planning;
using OutputGuard.Agent.Route.Reconciling;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;

var options = CommandLine.Parse(args, Environment.GetEnvironmentVariable, out var errors, out var help);
if (help)
{
    Console.Out.WriteLine(CommandLine.Usage);
    return 0;
}

if (options is null)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"outputguard-route: {error}");
    }

    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

var logger = new StderrLogger(options.Verbose ? LogLevel.Debug : LogLevel.Information);
var plan = RoutePlan.Create(options);
if (options.DryRun)
{
    DryRunPrinter.Print(plan, options, Console.Out, Console.Error);
    return 0;
}

if (Capabilities.HasNetAdmin() == false)
{
    logger.LogError(Capabilities.MissingNetAdmin);
    return 1;
}

Rtnl rtnl;
try
{
    rtnl = options.Netns is null ? Rtnl.Open() : Rtnl.OpenIn(options.Netns);
}
catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NetlinkException)
{
    logger.LogError("--netns {Netns}: cannot open the namespace: {Error}", options.Netns, ex.Message);
    return 1;
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
        logger.LogError("{Message} (the kernel answered {Errno} to {Request})", Capabilities.MissingNetAdmin, ex.ErrnoName, ex.Request);
        return 1;
    }
}
