namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>
/// The agent as it ships: the NativeAOT executable the Cake Test target publishes before the tests run
/// (<see cref="Artifacts.RouteAgentNative"/>; no test builds or publishes). Set <c>OG_ROUTE_AGENT=/path/to/outputguard-route</c>
/// to test another binary, or <c>OG_ROUTE_AGENT_BUILD=framework</c> to use the framework-dependent build beside the tests.
/// </summary>
public static class AgentBinary
{
    /// <summary>The path of the agent executable; fails, naming the command that publishes it, when it is missing.</summary>
    public static Task<string> PathAsync() => Task.FromResult(
        Kind == "framework-dependent" ? Path.Combine(AppContext.BaseDirectory, "outputguard-route") : Artifacts.RouteAgentNative);

    /// <summary>"NativeAOT", "framework-dependent" or "given", for test output.</summary>
    public static string Kind =>
        Environment.GetEnvironmentVariable("OG_ROUTE_AGENT") is { Length: > 0 } ? "given"
        : Environment.GetEnvironmentVariable("OG_ROUTE_AGENT_BUILD") == "framework" ? "framework-dependent"
        : "NativeAOT";
}
