using OutputGuard.Agent.Route.Configuration;

namespace OutputGuard.Agent.Route.Gateways;

/// <summary>A gateway and the interface it is reachable on without another router in between.</summary>
/// <param name="Gateway">The configured gateway.</param>
/// <param name="LinkIndex">The interface index.</param>
/// <param name="LinkName">The interface name, for logs.</param>
public sealed record OnLinkGateway(GatewayAddress Gateway, int LinkIndex, string LinkName);
