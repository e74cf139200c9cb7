using System.Threading.Channels;

namespace OutputGuard.Hosting;

/// <summary>
/// A coalescing wake-up for one waiting loop: any number of <see cref="Wake"/> calls before the loop next waits wake
/// it once. A bounded channel of one item that drops further writes, the idiom the route agent's triggers use.
/// </summary>
public sealed class WakeSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Wakes the loop (at once if it waits, else at its next wait).</summary>
    public void Wake() => _channel.Writer.TryWrite(true);

    /// <summary>Waits until woken.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken) => await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Waits until woken or until <paramref name="timeout"/> has passed; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return true;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
