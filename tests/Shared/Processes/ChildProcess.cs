using System.Diagnostics;
using System.Globalization;

namespace OutputGuard.Testing;

/// <summary>
/// A program under test running in the background: every line it prints (standard output and error) is kept, a
/// start can wait for its ready line, and it is ended by its own process id — on dispose whatever the test did,
/// SIGKILL unless it already exited.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<string, bool>? _isReady;

    private ChildProcess(CommandLine command, Func<string, bool>? isReady)
    {
        _isReady = isReady;
        _process = Tool.Start(command);
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _ = _process.WaitForExitAsync().ContinueWith(
            _ => _ready.TrySetException(new InvalidOperationException($"{command} exited before it was ready:\n{Output}")),
            TaskScheduler.Default);
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code (once it has ended).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Every line printed so far, in order.</summary>
    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Starts <paramref name="command"/> and returns at once.</summary>
    public static ChildProcess Start(CommandLine command) => new(command, null);

    /// <summary>
    /// Starts <paramref name="command"/> and waits until it prints a line for which <paramref name="isReady"/> holds;
    /// returns that line. When it exits first or takes longer than <paramref name="within"/> (60 s), it is ended and
    /// the start fails with what it printed.
    /// </summary>
    public static async Task<(ChildProcess Process, string ReadyLine)> StartAsync(CommandLine command, Func<string, bool> isReady, TimeSpan? within = null)
    {
        var child = new ChildProcess(command, isReady);
        try
        {
            var line = await child._ready.Task.WaitAsync(within ?? TimeSpan.FromSeconds(60));
            return (child, line);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the process has printed <paramref name="text"/> (within 5 s unless told).</summary>
    public Task WaitForOutputAsync(string text, TimeSpan? within = null) =>
        Eventually.True(
            () => Output.Contains(text, StringComparison.Ordinal),
            within ?? TimeSpan.FromSeconds(5),
            () => $"{_process.StartInfo.FileName} to print '{text}'; it printed:\n{Output}");

    /// <summary>Waits for the exit and returns the exit code; throws when it takes longer than <paramref name="within"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Asks the process to stop (SIGTERM) and returns at once.</summary>
    public void Terminate()
    {
        if (!_process.HasExited)
        {
            Tool.Terminate(_process.Id);
        }
    }

    /// <summary>SIGTERM, then waits for a clean exit (at most <paramref name="within"/>, 30 s); returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan? within = null)
    {
        Terminate();
        await _process.WaitForExitAsync().WaitAsync(within ?? TimeSpan.FromSeconds(30));
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (with the process's children): no shutdown, no flush.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>The process's CPU time so far (user and system).</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    /// <summary>Resident memory now, in KiB (VmRSS of /proc/PID/status).</summary>
    public long ResidentKib()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        if (_isReady?.Invoke(line) == true)
        {
            _ready.TrySetResult(line);
        }
    }
}
