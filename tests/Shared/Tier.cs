namespace OutputGuard.Testing;

/// <summary>
/// The test tiers, as xunit traits on test classes: <c>[Trait(Tier.Name, Tier.Fast)]</c>. The fast tier needs no root,
/// no network namespace, no child process and no server outside the test process (MariaDB, dnsmasq, Prometheus): pure
/// logic, files in a temporary folder, and the control plane hosted in the test process on SQLite. Everything else
/// (the lab, the agents as processes, the real servers) is the rest. <c>dotnet cake --target=UnitTest</c> runs the fast
/// tier alone (<c>dotnet test --filter Tier=Fast</c>); <c>--target=Test</c> runs both.
/// </summary>
public static class Tier
{
    /// <summary>The trait's name.</summary>
    public const string Name = "Tier";

    /// <summary>The fast tier: no root, no servers, no child processes.</summary>
    public const string Fast = "Fast";
}
