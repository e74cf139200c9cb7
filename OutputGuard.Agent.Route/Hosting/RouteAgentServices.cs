using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Route.Agent;
using OutputGuard.Agent.Route.Configuration;
using OutputGuard.Agent.Route.Logging;
using OutputGuard.Agent.Route.Planning;

namespace OutputGuard.Agent.Route.Hosting;

/// <summary>
/// The route agent's services. Every registration is a factory written out here, so the NativeAOT image needs no
/// constructor discovery by reflection, and no hosting framework is linked in: the agent stays small on every node.
/// </summary>
public static class RouteAgentServices
{
    /// <summary>Registers the options, the stderr logger, the route plan and the agent's loop.</summary>
    public static IServiceCollection AddRouteAgentServices(this IServiceCollection services, RouteAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton<ILogger>(_ => new StderrLogger(options.Verbose ? LogLevel.Debug : LogLevel.Information));
        services.AddSingleton(_ => RoutePlan.Create(options));
        services.AddSingleton(sp => new RouteAgent(options, sp.GetRequiredService<RoutePlan>(), sp.GetRequiredService<ILogger>()));
        return services;
    }
}
