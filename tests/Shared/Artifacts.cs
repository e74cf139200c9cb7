using System.Reflection;

namespace OutputGuard.Testing;

/// <summary>
/// The programs tests and benchmarks start, built before they run — by the Cake <c>Build</c> and <c>Test</c>
/// targets, never by a test. Each is found by its environment variable when set, else where the build put it
/// (assembly metadata written by tests/Shared/Shared.props), else beside the test assembly; a missing one fails
/// with the command that builds it.
/// </summary>
public static class Artifacts
{
    /// <summary>The control plane, framework-dependent (<c>dotnet outputguard-control-plane.dll</c>); <c>OG_CONTROL_PLANE_DLL</c> overrides.</summary>
    public static string ControlPlaneDll => Locate("ControlPlaneDll", "OG_CONTROL_PLANE_DLL", "outputguard-control-plane.dll", BuildHint);

    /// <summary>The gateway agent, framework-dependent; <c>OG_GATEWAY_DLL</c> overrides.</summary>
    public static string GatewayDll => Locate("GatewayDll", "OG_GATEWAY_DLL", "outputguard-gateway.dll", BuildHint);

    /// <summary>The route agent, framework-dependent; <c>OG_ROUTE_DLL</c> overrides.</summary>
    public static string RouteDll => Locate("RouteDll", "OG_ROUTE_DLL", "outputguard-route.dll", BuildHint);

    /// <summary>
    /// The route agent as it ships, published NativeAOT (a native executable); <c>OG_ROUTE_AGENT</c> overrides.
    /// </summary>
    public static string RouteAgentNative => Locate(
        "RouteAgentNative",
        "OG_ROUTE_AGENT",
        null,
        "publish it first: `dotnet cake --target=Test` (or --target=Publish) does, or `dotnet publish OutputGuard.Agent.Route -c Release -r linux-x64 -p:PublishAot=true -o artifacts/publish/route`");

    private const string BuildHint = "build it first: `dotnet cake --target=Build` (the Test target builds everything before it tests), or `dotnet build` the test project";

    /// <summary>The value of the test assembly's <c>AssemblyMetadata</c> named <paramref name="key"/>, or null.</summary>
    public static string? Metadata(string key) =>
        typeof(Artifacts).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } value
            ? value
            : null;

    private static string Locate(string key, string variable, string? besideTests, string hint)
    {
        if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } given)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new FileNotFoundException($"{variable}={given} does not exist", given);
        }

        var recorded = Metadata(key);
        if (recorded is not null && File.Exists(recorded))
        {
            return recorded;
        }

        var beside = besideTests is null ? null : Path.Combine(AppContext.BaseDirectory, besideTests);
        if (beside is not null && File.Exists(beside))
        {
            return beside;
        }

        throw new FileNotFoundException($"{recorded ?? beside ?? key} is missing: {hint}; or set {variable} to a build of it", recorded ?? beside);
    }
}
