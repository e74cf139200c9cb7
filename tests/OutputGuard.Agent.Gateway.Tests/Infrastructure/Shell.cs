using System.Diagnostics;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>Runs the oracles (ip, nft, sysctl) that tests may use; product code never does.</summary>
public static class Shell
{
    public static string Run(string file, params string[] args)
    {
        var (code, output) = TryRun(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {code}: {output}");
    }

    public static (int Code, string Output) TryRun(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs a command inside a namespace.</summary>
    public static string In(string netns, string file, params string[] args) => Run("ip", ["netns", "exec", netns, file, .. args]);

    public static string ArtifactPath(string key) =>
        typeof(Shell).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
