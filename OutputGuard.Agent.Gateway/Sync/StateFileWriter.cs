using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OutputGuard.Agent.Gateway.Hosting;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// Keeps the state file what the gateway applied: woken by every apply, it writes the file, then rests a second
/// (with 100k destinations a write is a few MB, and changes come in bursts: the writes coalesce), until the host
/// stops; then it writes once more, after the sync loop has stopped applying.
/// </summary>
public sealed class StateFileWriter(AppliedState state, StateFile file, TimeProvider time, ILogger<StateFileWriter> logger) : BackgroundService
{
    private static readonly TimeSpan Rest = TimeSpan.FromSeconds(1);
    private readonly HeapTrim _trim = new();

    /// <summary>Writes the state file now; nothing when no revision from a control plane was applied.</summary>
    public void Write()
    {
        var copy = state.Copy();
        if (copy.Revision == 0)
        {
            // Nothing applied from a control plane (e.g. a refused file was left alone): keep whatever is on disk.
            return;
        }

        try
        {
            file.Write(copy, state.CopyNames());
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Log.StateWriteFailed(logger, file.Path, ex.Message);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await state.Changed.WaitAsync(stoppingToken);
                Write();
                _trim.AfterLargeWork();
                await Task.Delay(Rest, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        Write();
    }
}
