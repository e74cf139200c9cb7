// outputguard-route: routes every public range to the OutputGuard gateway(s) and keeps it so.
// Exit codes: 0 stopped cleanly (or dry run / cleanup done), 1 cannot work (gateway not on-link, no
// CAP_NET_ADMIN, namespace missing), 2 configuration error.
using Microsoft.Extensions.DependencyInjection;
using OutputGuard.Agent.Route.Hosting;

var startup = RouteAgentStartup.Prepare(args);
if (startup.ExitCode is { } exit)
{
    return exit;
}

await using var services = new ServiceCollection().AddRouteAgentServices(startup.Options).BuildServiceProvider();
return await startup.RunAsync(services);
