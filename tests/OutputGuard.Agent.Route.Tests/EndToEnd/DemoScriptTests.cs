using System.Diagnostics;
using System.Reflection;

namespace OutputGuard.Agent.Route.Tests.EndToEnd;

/// <summary>
/// The README's "whole system in one command": demo/run.sh builds everything, brings up client, gateway and
/// internet namespaces with the control plane, the gateway agent and the route agent, and checks what a
/// user should see. It tears everything down itself; this test also checks that nothing is left.
/// </summary>
public sealed class DemoScriptTests
{
    private static readonly string Root = typeof(DemoScriptTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    [Fact]
    public async Task Whole_system_demo_shows_allowed_requests_dropped_ones_denied_and_metrics()
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Root, "demo", "run.sh"));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGTERM first: the script's trap tears its namespaces and processes down.
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            throw;
        }

        var output = await stdout + await stderr;
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
        var left = await Run("ip", "netns", "list");
        Assert.All(ours.Groups[1].Value.Split(' '), ns => Assert.DoesNotContain(ns, left, StringComparison.Ordinal));
    }

    private static async Task<string> Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        return text;
    }
}
