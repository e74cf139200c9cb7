namespace OutputGuard.ControlPlane.Tests.Readme;

/// <summary>Runs a bash script (with an empty stdin) in a directory and returns what it printed.</summary>
public static class Bash
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string script, string workingDirectory)
    {
        var (exit, stdout, stderr) = await Tool.RunAsync(new CommandLine("bash", "-c", script) { WorkingDirectory = workingDirectory }, TimeSpan.FromSeconds(60));
        return (exit, stdout, stderr);
    }

    /// <summary>
    /// The words bash makes of <paramref name="command"/> (quotes, variables of <paramref name="prelude"/>) for the program
    /// it calls, and the stdin it feeds it (a here-document), without running that program.
    /// </summary>
    public static async Task<(IReadOnlyList<string> Args, string Stdin)> ExpandAsync(string prelude, string command, string workingDirectory)
    {
        var program = command.Split([' ', '\n'], 2)[0];
        var script = $"set -e\n{prelude}\n{program}() {{ printf '%s\\0' \"$@\"; printf '\\001'; cat; }}\n{command}\n";
        var (exit, stdout, stderr) = await RunAsync(script, workingDirectory);
        if (exit != 0)
        {
            throw new InvalidOperationException($"bash could not expand '{command}': {stderr}");
        }

        var split = stdout.IndexOf('\u0001', StringComparison.Ordinal);
        var args = stdout[..split].Split('\0', StringSplitOptions.None)[..^1];
        return (args, stdout[(split + 1)..]);
    }
}
