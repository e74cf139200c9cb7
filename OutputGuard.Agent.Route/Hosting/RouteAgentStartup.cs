using System.Runtime.InteropServices;
using Microsoft.Extensions.DependencyInjection;
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

namespace OutputGuard.Agent.Route.Hosting;

/// <summary>
/// The route agent's start and run, all-or-nothing: the configuration (exit 2), then the checks — CAP_NET_ADMIN, the
/// namespace, the netlink socket, the gateways on-link (exit 1) — and only then a dry run, a cleanup, or the agent's
/// loop until SIGTERM or SIGINT (exit 0).
/// </summary>
public sealed class RouteAgentStartup
{
    private readonly StartupReport _report;

    private RouteAgentStartup(StartupReport report, RouteAgentOptions? options, int? exitCode)
    {
        _report = report;
        Options = options!;
        ExitCode = exitCode;
    }

    /// <summary>The exit code when the configuration was refused (or help or the version was asked for); null to go on.</summary>
    public int? ExitCode { get; }

    /// <summary>The validated options (when <see cref="ExitCode"/> is null).</summary>
    public RouteAgentOptions Options { get; }

    /// <summary>Reads, binds once and validates the configuration.</summary>
    public static RouteAgentStartup Prepare(string[] args)
    {
        var report = new StartupReport(RouteAgentConfiguration.Program.Name, Console.Error);
        var loaded = RouteAgentConfiguration.Load(args, ProcessEnvironment.Variables(), Console.Out);
        return report.ExitCodeFor(loaded) is { } exit
            ? new RouteAgentStartup(report, null, exit)
            : new RouteAgentStartup(report, loaded.Options!.ToOptions([])!, null);
    }

    /// <summary>Runs the checks, then the dry run, the cleanup or the agent; returns the exit code.</summary>
    public async Task<int> RunAsync(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = Options;
        var logger = services.GetRequiredService<ILogger>();
        var plan = services.GetRequiredService<RoutePlan>();
        if (!options.DryRun && Capabilities.HasNetAdmin() == false)
        {
            return _report.StartFailed(Capabilities.MissingNetAdmin);
        }

        if (options.Netns is { } netns && !File.Exists(Path.Combine("/var/run/netns", netns)))
        {
            return _report.StartFailed($"netns {netns}: no such network namespace (/var/run/netns/{netns}); create it (ip netns add {netns}) or fix netns");
        }

        Rtnl rtnl;
        try
        {
            rtnl = options.Netns is null ? Rtnl.Open() : Rtnl.OpenIn(options.Netns);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NetlinkException)
        {
            return _report.StartFailed($"netns {options.Netns}: cannot open the namespace ({ex.Message}); create it (ip netns add {options.Netns}) or fix netns");
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
                        return _report.StartFailed(string.Join("; ", problems));
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

                return await services.GetRequiredService<RouteAgent>().RunAsync(rtnl, stop.Token);
            }
            catch (NetlinkException ex) when (Capabilities.IsPermissionDenied(ex))
            {
                return _report.StartFailed($"{Capabilities.MissingNetAdmin} (the kernel answered {ex.ErrnoName} to {ex.Request})");
            }
            catch (NetlinkException ex)
            {
                return _report.StartFailed($"netlink: {ex.Message}");
            }
        }
    }
}
