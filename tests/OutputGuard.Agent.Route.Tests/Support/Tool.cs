using System.Diagnostics;
using System.Text.Json;

namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>Runs the oracle tools (ip, setpriv) and returns what they print.</summary>
public static class Tool
{
    public static string Run(string file, params string[] args)
    {
        var (code, stdout, stderr) = TryRun(file, args);
        return code == 0
            ? stdout
            : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {stderr}");
    }

    public static (int Code, string Stdout, string Stderr) TryRun(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 120 s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a command inside a namespace (ip netns exec).</summary>
    public static string In(string netns, string file, params string[] args) =>
        Run("ip", ["netns", "exec", netns, file, .. args]);

    /// <summary>The routes <c>ip -j route show</c> lists in a namespace (numeric protocols).</summary>
    public static List<JsonElement> Routes(string netns, params string[] filter)
    {
        var json = Run("ip", ["-n", netns, "-j", "-N", .. filter]);
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json).RootElement.Clone().EnumerateArray().ToList();
    }
}
