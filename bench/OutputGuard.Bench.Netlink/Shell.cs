using System.Diagnostics;

namespace OutputGuard.Bench.Netlink;

/// <summary>The system tools this benchmark compares against (the library itself never starts a process).</summary>
internal static class Shell
{
    public static string Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr}");
        }

        return stdout.Result;
    }

    public static TimeSpan Time(string file, params string[] args)
    {
        var watch = Stopwatch.StartNew();
        Run(file, args);
        return watch.Elapsed;
    }
}

/// <summary>A network namespace for one measurement, removed on dispose.</summary>
internal sealed class Namespace : IDisposable
{
    public Namespace() => Shell.Run("ip", "netns", "add", Name);

    public string Name { get; } = $"og-bench-{Guid.NewGuid():N}"[..20];

    public string Exec(params string[] args) => Shell.Run("ip", ["netns", "exec", Name, .. args]);

    public TimeSpan TimeExec(params string[] args) => Shell.Time("ip", ["netns", "exec", Name, .. args]);

    public void Dispose() => Shell.Run("ip", "netns", "del", Name);
}
