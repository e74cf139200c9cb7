using System.Collections.Concurrent;
using System.Diagnostics;

namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>
/// The published agent running as a child process; its stderr is kept for assertions. Dispose stops it by
/// its own process id (SIGTERM, then SIGKILL), whatever happened in the test.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private AgentProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
            }
        };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _lines.Enqueue(e.Data);
            }
        };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the agent printed so far.</summary>
    public string Output => string.Join('\n', _lines);

    /// <summary>Waits until the agent has printed <paramref name="text"/> (its stderr is read asynchronously).</summary>
    public Task WaitForOutputAsync(string text, TimeSpan? within = null) =>
        Eventually.True(
            () => Output.Contains(text, StringComparison.Ordinal),
            within ?? TimeSpan.FromSeconds(5),
            () => $"the agent to print '{text}'; it printed:\n{Output}");

    public static async Task<AgentProcess> StartAsync(params string[] args) =>
        Start(await AgentBinary.PathAsync(), args);

    public static AgentProcess Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return new AgentProcess(Process.Start(psi)!);
    }

    /// <summary>Runs the agent to completion (dry run, cleanup, a start that must fail).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) =>
        Tool.TryRun(await AgentBinary.PathAsync(), args);

    /// <summary>Resident memory of the agent now, in KiB (VmRSS).</summary>
    public long ResidentKib()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<int> WaitForExitAsync(TimeSpan within)
    {
        using var cts = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Ends the agent at once (SIGKILL) so it cannot clean up: its routes stay.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>Asks the agent to stop (SIGTERM).</summary>
    public void Terminate() => Tool.TryRun("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Terminate();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }
}
