using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// Every service's error mapping, in one place: whatever a handler throws (unary or streaming, gRPC or
/// JSON transcoding) leaves as the status <see cref="ErrorStatus"/> picks, with a bounded message; an
/// outage is logged as a warning, an unexpected exception as an error with its stack. No handler exception
/// reaches a client as UNKNOWN "Exception was thrown by handler".
/// </summary>
public sealed partial class ErrorStatusInterceptor(ILogger<ErrorStatusInterceptor> logger) : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e)
        {
            throw Map(e, context);
        }
    }

    /// <inheritdoc />
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception e)
        {
            throw Map(e, context);
        }
    }

    /// <inheritdoc />
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e)
        {
            throw Map(e, context);
        }
    }

    /// <inheritdoc />
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception e)
        {
            throw Map(e, context);
        }
    }

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        var requestId = context.GetHttpContext().TraceIdentifier;
        var status = ErrorStatus.From(exception, context.CancellationToken.IsCancellationRequested, requestId, out var kind);
        switch (kind)
        {
            case FailureKind.Outage:
                LogOutage(logger, context.Method, requestId, status.Detail, exception.GetType().Name, exception.Message);
                break;
            case FailureKind.Unexpected:
                LogUnexpected(logger, exception, context.Method, requestId);
                break;
        }

        return new RpcException(status);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} (request {RequestId}) answered UNAVAILABLE: {Reason} ({ExceptionType}: {ExceptionMessage})")]
    private static partial void LogOutage(ILogger logger, string method, string requestId, string reason, string exceptionType, string exceptionMessage);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} (request {RequestId}) failed unexpectedly and answered INTERNAL")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string requestId);
}
