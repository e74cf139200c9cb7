using System.Globalization;
using Grpc.Core;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Sync;

/// <summary>
/// Writes a sync stream's messages with a bound on how long one write may wait for the gateway to take it:
/// a gateway that stops reading holds at most one message and the transport's window, and after
/// <see cref="ControlPlaneOptions.StreamWriteTimeoutSeconds"/> its stream is cut (the connection's stream is
/// reset, which frees what it buffered). A write that is still waiting when the session ends is cut the same way.
/// </summary>
internal sealed partial class GatewayStreamWriter(
    IServerStreamWriter<ControlMessage> stream, ServerCallContext context, ControlPlaneOptions options, GatewaySession session, ILogger logger)
{
    private readonly TimeSpan _timeout = TimeSpan.FromSeconds(options.StreamWriteTimeoutSeconds);

    /// <summary>Writes <paramref name="message"/>; throws OperationCanceledException when the stream was cut or ended.</summary>
    public async Task WriteAsync(ControlMessage message, CancellationToken cancellationToken)
    {
        var write = stream.WriteAsync(message, CancellationToken.None);
        if (write.IsCompleted)
        {
            await write;
            return;
        }

        try
        {
            await write.WaitAsync(_timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            var seconds = _timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
            LogStalled(logger, session.GatewayId, seconds);
            session.Fail(new RpcException(new Status(StatusCode.DeadlineExceeded, $"the gateway took no message for {seconds} s; the stream is ended")));
            Cut(write);
            throw new OperationCanceledException(session.Lifetime.Token);
        }
        catch (OperationCanceledException)
        {
            Cut(write);
            throw;
        }
    }

    private void Cut(Task pendingWrite)
    {
        // The write cannot complete while the gateway does not read: reset the HTTP/2 stream so its buffers go.
        context.GetHttpContext().Abort();
        _ = pendingWrite.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gateway {GatewayId} took no message for {Seconds} s; its stream is cut (it reconnects)")]
    private static partial void LogStalled(ILogger logger, string gatewayId, string seconds);
}
