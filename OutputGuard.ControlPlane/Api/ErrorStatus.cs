using Grpc.Core;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// The one mapping from what a handler threw to the gRPC status its client receives (JSON transcoding maps
/// that status to HTTP): refusals keep their status and message, store and dependency outages are
/// UNAVAILABLE with a sentence naming what is down, anything else is INTERNAL with a generic message. Never
/// UNKNOWN, and every message is bounded (a grpc-message header of tens of kilobytes makes HTTP/2 clients
/// drop the whole connection, with every other call on it).
/// </summary>
public static class ErrorStatus
{
    /// <summary>The longest status message sent, in characters.</summary>
    public const int MaxMessageLength = 1024;

    private const string Truncated = " …(truncated)";

    /// <summary>The status for <paramref name="exception"/>; <paramref name="kind"/> says how to log it.</summary>
    /// <param name="exception">What the handler threw.</param>
    /// <param name="callCancelled">Whether the call itself was cancelled (client gone, deadline passed).</param>
    /// <param name="requestId">An id for the log line that an INTERNAL message points at.</param>
    /// <param name="kind">Refusal, outage or unexpected.</param>
    public static Status From(Exception exception, bool callCancelled, string requestId, out FailureKind kind)
    {
        ArgumentNullException.ThrowIfNull(exception);
        kind = FailureKind.Refusal;
        switch (exception)
        {
            case RpcException { StatusCode: not StatusCode.Unknown } rpc:
                return new Status(rpc.StatusCode, Bound(rpc.Status.Detail));
            case EntryRejectedException rejected when StatusOf(rejected.Reason) is { } code:
                return new Status(code, Bound(rejected.Message));
            case OperationCanceledException when callCancelled:
                return new Status(StatusCode.Cancelled, "the call was cancelled (the client went away or its deadline passed)");
        }

        if (StoreOutage.TryDescribe(exception, out var reason))
        {
            kind = FailureKind.Outage;
            return new Status(StatusCode.Unavailable, Bound($"{reason}; nothing was changed, retry later"));
        }

        kind = FailureKind.Unexpected;
        return new Status(
            StatusCode.Internal,
            $"internal error: the control plane logged the details under request id {Bound(requestId, 100)}; nothing was changed");
    }

    /// <summary>The status code for a refusal; null for a reason that has none.</summary>
    public static StatusCode? StatusOf(RejectionReason reason) => reason switch
    {
        RejectionReason.Invalid => StatusCode.InvalidArgument,
        RejectionReason.AlreadyExists => StatusCode.AlreadyExists,
        RejectionReason.NotFound => StatusCode.NotFound,
        RejectionReason.Undeletable => StatusCode.FailedPrecondition,
        RejectionReason.PermissionDenied => StatusCode.PermissionDenied,
        _ => null,
    };

    /// <summary><paramref name="message"/> cut to <paramref name="max"/> characters (never inside a surrogate pair), marked when cut.</summary>
    public static string Bound(string? message, int max = MaxMessageLength)
    {
        if (string.IsNullOrEmpty(message))
        {
            return string.Empty;
        }

        if (message.Length <= max)
        {
            return message;
        }

        var cut = Math.Max(0, max - Truncated.Length);
        if (cut > 0 && char.IsHighSurrogate(message[cut - 1]))
        {
            cut--;
        }

        return string.Concat(message.AsSpan(0, cut), Truncated);
    }
}
