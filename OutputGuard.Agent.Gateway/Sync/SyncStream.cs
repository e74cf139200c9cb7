using Grpc.Core;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Sync;

/// <summary>
/// One accepted sync stream's sending side, shared by its two writers — the sync loop (acks, refusals) and the traffic
/// reporter — since gRPC allows one write at a time. <see cref="Ended"/> is cancelled when the stream closes.
/// </summary>
public sealed class SyncStream : IDisposable
{
    private readonly IClientStreamWriter<GatewayMessage> _requests;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _ended;

    /// <summary>Wraps the request stream of a call that <paramref name="callToken"/> cancels.</summary>
    public SyncStream(IClientStreamWriter<GatewayMessage> requests, CancellationToken callToken)
    {
        _requests = requests ?? throw new ArgumentNullException(nameof(requests));
        _ended = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        Ended = _ended.Token;
    }

    /// <summary>Cancelled once the stream has closed.</summary>
    public CancellationToken Ended { get; }

    /// <summary>Sends one message (after any other writer's) unless the stream has ended.</summary>
    public async Task WriteAsync(GatewayMessage message, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            await _requests.WriteAsync(message, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Marks the stream ended and waits until no write is under way (the call may be disposed after).</summary>
    public async Task CloseAsync()
    {
        await _ended.CancelAsync();
        await _writeGate.WaitAsync(CancellationToken.None);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ended.Dispose();
        _writeGate.Dispose();
    }
}
