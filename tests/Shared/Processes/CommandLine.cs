using System.Diagnostics;

namespace OutputGuard.Testing;

/// <summary>
/// A program to start: the file, its arguments, and where and with what environment it runs. Every test process
/// starts from one of these (<see cref="Tool"/> to its end, <see cref="ChildProcess"/> in the background).
/// </summary>
public sealed record CommandLine(string File, IReadOnlyList<string> Args)
{
    /// <summary>A command line of <paramref name="file"/> and <paramref name="args"/>.</summary>
    public CommandLine(string file, params string[] args)
        : this(file, (IReadOnlyList<string>)args)
    {
    }

    /// <summary>The working directory; the test's own when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Variables set (or replaced) for the program.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>
    /// Leaves out every <c>OUTPUTGUARD_*</c> variable of the test run (e.g. <c>OUTPUTGUARD_TEST_MYSQL</c>), so that
    /// only what the test sets configures an OutputGuard program.
    /// </summary>
    public bool WithoutOutputGuardVariables { get; init; }

    /// <summary>The same program with <paramref name="prefix"/> in front: <c>ip netns exec NS</c>, <c>setpriv …</c>.</summary>
    public CommandLine Prefixed(params string[] prefix) => this with { File = prefix[0], Args = [.. prefix[1..], File, .. Args] };

    /// <summary>The start information: every stream redirected, no shell.</summary>
    public ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(File)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Args)
        {
            info.ArgumentList.Add(arg);
        }

        if (WorkingDirectory is not null)
        {
            info.WorkingDirectory = WorkingDirectory;
        }

        if (WithoutOutputGuardVariables)
        {
            foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OUTPUTGUARD_", StringComparison.Ordinal)).ToList())
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in Environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', Args.Prepend(File));
}
