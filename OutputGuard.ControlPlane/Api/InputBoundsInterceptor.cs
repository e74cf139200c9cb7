using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// Holds every string field of every unary and server-streaming request to <see cref="InputLimits.MaxStringField"/>
/// and to valid Unicode (no lone surrogate) before the handler runs, answering InvalidArgument with the field's
/// path and the limit. Handlers check their tighter bounds themselves; the sync stream checks its messages itself.
/// </summary>
public sealed class InputBoundsInterceptor : Interceptor
{
    private const int MaxDepth = 8;

    /// <inheritdoc />
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Check(request);
        return continuation(request, context);
    }

    /// <inheritdoc />
    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        Check(request);
        return continuation(request, responseStream, context);
    }

    /// <summary>Throws InvalidArgument naming the first string field of <paramref name="request"/> that is out of bounds.</summary>
    public static void Check(object? request)
    {
        if (request is IMessage message && FirstProblem(message, string.Empty, 0) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        }
    }

    private static string? FirstProblem(IMessage message, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var name = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            var value = field.Accessor.GetValue(message);
            var problem = (field.FieldType, value) switch
            {
                (FieldType.String, string text) => InputLimits.CheckString(name, text),
                (FieldType.String, IEnumerable texts) when field.IsRepeated => FirstInList(name, texts.OfType<string>()),
                (FieldType.Message, IMessage nested) => FirstProblem(nested, name, depth + 1),
                (FieldType.Message, IEnumerable nested) when field.IsRepeated => FirstInMessages(name, nested.OfType<IMessage>(), depth),
                _ => null,
            };
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? FirstInList(string name, IEnumerable<string> texts)
    {
        var i = 0;
        foreach (var text in texts)
        {
            if (InputLimits.CheckString(FormattableString.Invariant($"{name}[{i++}]"), text) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? FirstInMessages(string name, IEnumerable<IMessage> messages, int depth)
    {
        var i = 0;
        foreach (var nested in messages)
        {
            if (FirstProblem(nested, FormattableString.Invariant($"{name}[{i++}]"), depth + 1) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }
}
