using Grpc.Core;
using Grpc.Core.Interceptors;
using OutputGuard.ControlPlane.Entries;

namespace OutputGuard.ControlPlane.Api;

/// <summary>Turns refused changes into the gRPC status that fits, with the message that names the problem.</summary>
public sealed class RejectionInterceptor : Interceptor
{
    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (EntryRejectedException e)
        {
            throw ToRpc(e);
        }
    }

    /// <summary>The status for a refusal.</summary>
    public static RpcException ToRpc(EntryRejectedException e) => new(new Status(
        e.Reason switch
        {
            RejectionReason.Invalid => StatusCode.InvalidArgument,
            RejectionReason.AlreadyExists => StatusCode.AlreadyExists,
            RejectionReason.NotFound => StatusCode.NotFound,
            RejectionReason.Undeletable => StatusCode.FailedPrecondition,
            RejectionReason.PermissionDenied => StatusCode.PermissionDenied,
            _ => StatusCode.Unknown,
        },
        e.Message));
}
