using System.Text.RegularExpressions;

namespace OutputGuard.Testing;

/// <summary>
/// The real control-plane program in a child process (the build <see cref="Artifacts.ControlPlaneDll"/>), with no
/// <c>OUTPUTGUARD_*</c> variable of the test run. It is ended by its own id on dispose, so a failing test leaves
/// nothing running. Shared by the control plane's and the gateway's tests and the benchmarks.
/// </summary>
public sealed partial class ControlPlaneProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private ControlPlaneProcess(ChildProcess process, Uri http, Uri grpc)
    {
        _process = process;
        HttpUri = http;
        GrpcUri = grpc;
    }

    /// <summary>Where the page, the JSON API and /metrics listen.</summary>
    public Uri HttpUri { get; }

    /// <summary>Where gRPC listens.</summary>
    public Uri GrpcUri { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Everything the process printed so far.</summary>
    public string Output => _process.Output;

    /// <summary>Starts the program with <paramref name="args"/>; waits until it printed its ready line.</summary>
    public static Task<ControlPlaneProcess> StartAsync(params string[] args) => StartInAsync(null, null, args);

    /// <summary>Starts the program with <paramref name="args"/> and the variables of <paramref name="environment"/>; waits until it is ready.</summary>
    public static Task<ControlPlaneProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartInAsync(null, environment, args);

    /// <summary>Like <see cref="StartAsync(string[])"/>, in <paramref name="workingDirectory"/> with the <c>OUTPUTGUARD_*</c> variables of <paramref name="environment"/>.</summary>
    public static async Task<ControlPlaneProcess> StartInAsync(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var (process, ready) = await ChildProcess.StartAsync(Command(args, workingDirectory, environment), ReadyLine().IsMatch);
        var match = ReadyLine().Match(ready);
        return new ControlPlaneProcess(process, new Uri(match.Groups[1].Value), new Uri(match.Groups[2].Value));
    }

    /// <summary>Runs the program to its end; returns the exit code and what it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args) => RunToExitAsync(null, args);

    /// <summary>Runs the program to its end with extra environment variables; returns the exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var (code, output) = await Tool.RunAsync(Command(args, null, environment));
        return (code, output);
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The process's CPU time so far (user and system).</summary>
    public TimeSpan CpuTime() => _process.CpuTime();

    /// <summary>The process's resident memory in MB (VmRSS).</summary>
    public double ResidentMegabytes() => _process.ResidentKib() / 1024.0;

    /// <summary>The resident memory once three readings a second apart agree within 1 MB (at most 20 readings).</summary>
    public async Task<double> SettledResidentMegabytesAsync()
    {
        var readings = new List<double> { ResidentMegabytes() };
        while (readings.Count < 20 && (readings.Count < 3 || readings.TakeLast(3).Max() - readings.TakeLast(3).Min() >= 1))
        {
            await Task.Delay(1000);
            readings.Add(ResidentMegabytes());
        }

        return readings[^1];
    }

    private static CommandLine Command(string[] args, string? workingDirectory, IReadOnlyDictionary<string, string>? environment) =>
        new("dotnet", [Artifacts.ControlPlaneDll, .. args])
        {
            WorkingDirectory = workingDirectory,
            Environment = environment,
            WithoutOutputGuardVariables = true,
        };

    [GeneratedRegex(@"ready; http (\S+) grpc (\S+)")]
    private static partial Regex ReadyLine();
}
