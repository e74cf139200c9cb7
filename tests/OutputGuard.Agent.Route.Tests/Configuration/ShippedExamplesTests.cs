using System.Text.RegularExpressions;
using OutputGuard.Agent.Route.Configuration;

namespace OutputGuard.Agent.Route.Tests.Configuration;

/// <summary>The DaemonSet and the systemd unit in deploy/ use flags and settings the agent accepts, and no more privilege than NET_ADMIN.</summary>
public sealed partial class ShippedExamplesTests
{
    private static readonly string Root = typeof(ShippedExamplesTests).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public void DaemonSet_uses_host_network_and_NET_ADMIN_only_with_valid_flags()
    {
        var yaml = File.ReadAllText(Path.Combine(Root, "deploy", "kubernetes", "route-agent-daemonset.yaml"));
        var args = ArgLine().Matches(yaml).Select(m => m.Groups[1].Value).ToList();
        var env = EnvLine().Matches(yaml).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);

        var options = CommandLine.Parse(args, k => env.GetValueOrDefault(k), out var errors, out _);

        Assert.True(options is not null, string.Join("; ", errors));
        Assert.Equal(2, options.Gateways.Count);
        Assert.NotEmpty(options.Internal);
        Assert.Contains("hostNetwork: true", yaml, StringComparison.Ordinal);
        Assert.Contains("privileged: false", yaml, StringComparison.Ordinal);
        Assert.Contains("drop: [ALL]", yaml, StringComparison.Ordinal);
        Assert.Contains("add: [NET_ADMIN]", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("cleanup-on-stop", string.Join(' ', args), StringComparison.Ordinal);
    }

    [Fact]
    public void Systemd_unit_grants_only_CAP_NET_ADMIN_and_starts_the_agent_with_valid_flags()
    {
        var unit = File.ReadAllLines(Path.Combine(Root, "deploy", "systemd", "outputguard-route.service"));
        var exec = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var options = CommandLine.Parse(exec[1..], k => k == "OUTPUTGUARD_GATEWAY" ? "10.0.0.2" : null, out var errors, out _);

        Assert.EndsWith("/outputguard-route", exec[0], StringComparison.Ordinal);
        Assert.True(options is not null, string.Join("; ", errors));
        Assert.Contains("AmbientCapabilities=CAP_NET_ADMIN", unit);
        Assert.Contains("CapabilityBoundingSet=CAP_NET_ADMIN", unit);
        Assert.Contains("NoNewPrivileges=yes", unit);
    }

    [GeneratedRegex(@"^\s+- (--[a-z-]+=\S+)", RegexOptions.Multiline)]
    private static partial Regex ArgLine();

    [GeneratedRegex(@"^\s+(OUTPUTGUARD_[A-Z_]+): ""([^""]*)""", RegexOptions.Multiline)]
    private static partial Regex EnvLine();
}
