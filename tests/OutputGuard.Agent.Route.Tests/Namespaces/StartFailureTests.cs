using OutputGuard.Agent.Route.Tests.Support;

namespace OutputGuard.Agent.Route.Tests.Namespaces;

/// <summary>The published agent refuses a start with the documented exit code and one line, and changes no route.</summary>
public sealed class StartFailureTests : IDisposable
{
    private readonly RouteLab _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task Dry_run_refuses_a_gateway_that_is_not_on_link_as_the_real_run_does()
    {
        var before = _lab.AllRoutes();

        var (code, stdout, stderr) = await AgentProcess.RunAsync("--dry-run", "--gateway", "192.168.77.1", "--netns", _lab.Client);

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith("outputguard-route: cannot start: gateway 192.168.77.1 is not on-link", OneLine(stderr), StringComparison.Ordinal);
        Assert.Equal(before, _lab.AllRoutes());
    }

    [Fact]
    public async Task A_missing_namespace_is_one_line_and_exit_1()
    {
        var (code, _, stderr) = await AgentProcess.RunAsync("--gateway", RouteLab.Gateway1, "--netns", "og-rt-no-such-namespace");

        Assert.Equal(1, code);
        Assert.Equal("outputguard-route: cannot start: netns og-rt-no-such-namespace: no such network namespace (/var/run/netns/og-rt-no-such-namespace); create it (ip netns add og-rt-no-such-namespace) or fix netns", OneLine(stderr));
    }

    [Theory]
    [InlineData("--cleanup=yes", "outputguard-route: configuration error: cleanup (flag --cleanup): 'yes' is not true or false")]
    [InlineData("--internal=10.0.0.1/8", "outputguard-route: configuration error: internal_ranges[0] (flag --internal): '10.0.0.1/8' has host bits set")]
    [InlineData("--colour=red", "outputguard-route: configuration error: '--colour=red': unknown flag")]
    public async Task A_configuration_error_is_one_line_and_exit_2_and_changes_nothing(string arg, string line)
    {
        var before = _lab.AllRoutes();

        var (code, _, stderr) = await AgentProcess.RunAsync("--gateway", RouteLab.Gateway1, "--netns", _lab.Client, arg);

        Assert.Equal(2, code);
        Assert.StartsWith(line, OneLine(stderr), StringComparison.Ordinal);
        Assert.Equal(before, _lab.AllRoutes());
    }

    [Fact]
    public async Task Cleanup_true_is_accepted_as_a_boolean()
    {
        var (code, _, stderr) = await AgentProcess.RunAsync("--cleanup", "true", "--netns", _lab.Client);

        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task Help_and_version_answer_with_exit_0()
    {
        var (helpCode, help, _) = await AgentProcess.RunAsync("--help");
        var (versionCode, version, _) = await AgentProcess.RunAsync("--version");

        Assert.Equal((0, 0), (helpCode, versionCode));
        Assert.Contains("OUTPUTGUARD_INTERNAL_RANGES", help, StringComparison.Ordinal);
        Assert.Matches(@"^outputguard-route \S+ \(commit [0-9a-f]+|unknown\)$", version.Trim());
    }

    private static string OneLine(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return Assert.Single(lines);
    }
}
