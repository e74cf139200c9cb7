namespace OutputGuard.Agent.Route.Tests.EndToEnd;

/// <summary>
/// The README's "whole system in one command": demo/run.sh brings up client, gateway and internet namespaces with the
/// control plane, the gateway agent and the route agent, and checks what a user should see. It runs the builds made
/// before the tests (it builds nothing itself when given them) and tears everything down itself; this test also checks
/// that nothing of its run is left (other runs of the demo on the machine may be under way).
/// </summary>
public sealed class DemoScriptTests
{
    [Fact]
    public async Task Whole_system_demo_shows_allowed_requests_dropped_ones_denied_and_metrics()
    {
        await using var process = ChildProcess.Start(new CommandLine("bash", Path.Combine(RepositoryRoot.Find(), "demo", "run.sh"))
        {
            Environment = new Dictionary<string, string>
            {
                ["OG_CONTROL_PLANE_DLL"] = Artifacts.ControlPlaneDll,
                ["OG_GATEWAY_DLL"] = Artifacts.GatewayDll,
                ["OG_ROUTE_DLL"] = Artifacts.RouteDll,
            },
        });
        try
        {
            await process.WaitForExitAsync(TimeSpan.FromMinutes(8));
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first: the script's trap tears its namespaces and processes down.
            await process.StopAsync();
            throw;
        }

        var output = process.Output;
        Assert.True(process.ExitCode == 0, output);
        Assert.Contains("ok    app.example.com:8000 (allowed domain): hello from 198.51.100.20:8000, you are 203.0.113.1", output, StringComparison.Ordinal);
        Assert.Contains("ok    203.0.113.10:8081 (port not allowed): dropped", output, StringComparison.Ordinal);
        Assert.Contains("ok    192.0.2.30:80 (not allowed): dropped", output, StringComparison.Ordinal);
        Assert.Contains("ok    192.0.2.30 is listed as denied", output, StringComparison.Ordinal);
        Assert.Matches(@"iptables_bytes_count\{[^}]*ip=""203\.0\.113\.10""[^}]*type=""INPUT""\} [1-9]", output);
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        // Only this run's namespaces: another demo (a second checkout's CI) may be running beside it.
        var ours = System.Text.RegularExpressions.Regex.Match(output, @"network namespaces: client, gateway, internet \(([^)]+)\)");
        Assert.True(ours.Success, output);
        var left = Tool.Run("ip", "netns", "list");
        Assert.All(ours.Groups[1].Value.Split(' '), ns => Assert.DoesNotContain(ns, left, StringComparison.Ordinal));
    }
}
