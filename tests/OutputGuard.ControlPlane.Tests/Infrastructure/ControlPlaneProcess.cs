using System.Diagnostics;
using System.Text.RegularExpressions;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The real control-plane program in a child process (the build output next to the tests). It is
/// ended by its own id on dispose, so a failing test leaves nothing running.
/// </summary>
public sealed partial class ControlPlaneProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<(Uri Http, Uri Grpc)> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _output = [];

    private ControlPlaneProcess(Process process) => _process = process;

    public Uri HttpUri { get; private set; } = null!;

    public Uri GrpcUri { get; private set; } = null!;

    public int Id => _process.Id;

    /// <summary>Everything the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    /// <summary>Starts the program with <paramref name="args"/>; waits until it printed its ready line.</summary>
    public static Task<ControlPlaneProcess> StartAsync(params string[] args) => StartInAsync(null, null, args);

    /// <summary>Starts the program with <paramref name="args"/> and the variables of <paramref name="environment"/>; waits until it is ready.</summary>
    public static Task<ControlPlaneProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartInAsync(null, environment, args);

    /// <summary>Like <see cref="StartAsync"/>, in <paramref name="workingDirectory"/> with the <c>OUTPUTGUARD_*</c> variables of <paramref name="environment"/>.</summary>
    public static async Task<ControlPlaneProcess> StartInAsync(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var process = Start(args, workingDirectory, environment);
        var harness = new ControlPlaneProcess(process);
        process.OutputDataReceived += (_, e) => harness.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => harness.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _ = process.WaitForExitAsync().ContinueWith(
            _ => harness._ready.TrySetException(new InvalidOperationException($"the control plane exited with {process.ExitCode}:\n{harness.Output}")),
            TaskScheduler.Default);
        var ready = await harness._ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        harness.HttpUri = ready.Http;
        harness.GrpcUri = ready.Grpc;
        return harness;
    }

    /// <summary>Runs the program to its end; returns the exit code and what it printed.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(params string[] args) => RunToExitAsync(null, args);

    /// <summary>Runs the program to its end with extra environment variables; returns the exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(args, environment: environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL: no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    /// <summary>The process's CPU time so far (user and system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>The process's resident memory in MB (VmRSS).</summary>
    public double ResidentMegabytes() =>
        long.Parse(
            File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            System.Globalization.CultureInfo.InvariantCulture) / 1024.0;

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

    private static Process Start(string[] args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "outputguard-control-plane.dll");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OUTPUTGUARD_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        if (workingDirectory is not null)
        {
            info.WorkingDirectory = workingDirectory;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        var match = ReadyLine().Match(line);
        if (match.Success)
        {
            _ready.TrySetResult((new Uri(match.Groups[1].Value), new Uri(match.Groups[2].Value)));
        }
    }

    [GeneratedRegex(@"ready; http (\S+) grpc (\S+)")]
    private static partial Regex ReadyLine();
}
