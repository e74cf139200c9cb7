using System.Diagnostics;

namespace OutputGuard.Testing;

/// <summary>
/// Runs a program to its end and returns what it printed: the oracles tests and benchmarks may use (ip, nft,
/// sysctl, curl, bash, kill), and the programs under test when a test wants their exit. Product code never starts
/// a process. Standard input is closed at once; a program that outlives its timeout is killed with its children.
/// </summary>
public static class Tool
{
    /// <summary>How long <see cref="Run"/>, <see cref="TryRun"/> and <see cref="In"/> wait for a program.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Runs <paramref name="file"/>; returns its standard output, or throws with its standard error when it fails.</summary>
    public static string Run(string file, params string[] args)
    {
        var result = TryRun(file, args);
        return result.Code == 0
            ? result.Stdout
            : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {result.Code}: {result.Stderr}{(result.Stderr.Length == 0 ? result.Stdout : string.Empty)}");
    }

    /// <summary>Runs <paramref name="file"/> and returns how it went, whatever its exit code.</summary>
    public static ToolResult TryRun(string file, params string[] args) => Wait(new CommandLine(file, args), DefaultTimeout);

    /// <summary>Runs a program inside a network namespace (<c>ip netns exec</c>); returns its standard output.</summary>
    public static string In(string netns, string file, params string[] args) => Run("ip", ["netns", "exec", netns, file, .. args]);

    /// <summary>Runs <paramref name="command"/> to its end, waiting at most <paramref name="timeout"/> (60 s when null).</summary>
    public static async Task<ToolResult> RunAsync(CommandLine command, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        using var process = Start(command);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish within {(timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds:0} s");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Sends SIGTERM to the process <paramref name="pid"/> (one the test started).</summary>
    public static void Terminate(int pid) => TryRun("kill", "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Sends SIGHUP to the process <paramref name="pid"/> (one the test started); throws when it cannot.</summary>
    public static void Hangup(int pid) => Run("kill", "-HUP", pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Starts <paramref name="command"/> with its standard input closed.</summary>
    internal static Process Start(CommandLine command)
    {
        var process = Process.Start(command.StartInfo()) ?? throw new InvalidOperationException($"{command.File} did not start");
        process.StandardInput.Close();
        return process;
    }

    private static ToolResult Wait(CommandLine command, TimeSpan timeout)
    {
        using var process = Start(command);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} did not finish in {timeout.TotalSeconds:0} s");
        }

        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
