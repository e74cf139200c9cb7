namespace OutputGuard.Agent.Route.Tests.Support;

/// <summary>
/// The published agent (<see cref="AgentBinary"/>) running as a child process; what it prints is kept for
/// assertions. Dispose stops it by its own process id (SIGTERM, then SIGKILL), whatever happened in the test.
/// </summary>
public sealed class AgentProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private AgentProcess(ChildProcess process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the agent printed so far.</summary>
    public string Output => _process.Output;

    /// <summary>Waits until the agent has printed <paramref name="text"/> (its output is read asynchronously).</summary>
    public Task WaitForOutputAsync(string text, TimeSpan? within = null) => _process.WaitForOutputAsync(text, within);

    public static async Task<AgentProcess> StartAsync(params string[] args) =>
        Start(await AgentBinary.PathAsync(), args);

    public static AgentProcess Start(string file, params string[] args) => new(ChildProcess.Start(new CommandLine(file, args)));

    /// <summary>Runs the agent to completion (dry run, cleanup, a start that must fail).</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var (code, stdout, stderr) = Tool.TryRun(await AgentBinary.PathAsync(), args);
        return (code, stdout, stderr);
    }

    /// <summary>Resident memory of the agent now, in KiB (VmRSS).</summary>
    public long ResidentKib() => _process.ResidentKib();

    public Task<int> WaitForExitAsync(TimeSpan within) => _process.WaitForExitAsync(within);

    /// <summary>Ends the agent at once (SIGKILL) so it cannot clean up: its routes stay.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>Asks the agent to stop (SIGTERM).</summary>
    public void Terminate() => _process.Terminate();

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StopAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
        }

        await _process.DisposeAsync();
    }
}
