using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Grpc.Core;
using OutputGuard.ControlPlane.Api;

namespace OutputGuard.ControlPlane.Batch;

/// <summary>
/// Middleware in front of EntryService's gRPC calls: reads the 5-byte prefix of the request message and refuses a
/// message larger than its method's limit with InvalidArgument naming the limit, before the message is read or
/// parsed. BatchCreateEntries may be <see cref="InputLimits.MaxBatchBytes"/> (the service's gRPC receive limit), every
/// other method <see cref="InputLimits.MaxRequestBytes"/>. Where gRPC itself would answer RESOURCE_EXHAUSTED without
/// naming either. Other requests pass untouched.
/// </summary>
public sealed class GrpcRequestSizeCheck(RequestDelegate next)
{
    private const string Service = "/outputguard.v1.EntryService/";
    private const string BatchMethod = Service + "BatchCreateEntries";
    private const int PrefixBytes = 5;

    /// <summary>Checks, then calls the rest of the pipeline when the message is within its limit.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Path.Value is not { } path || !path.StartsWith(Service, StringComparison.Ordinal) || !ErrorResponse.IsGrpc(context.Request))
        {
            await next(context);
            return;
        }

        var reader = context.Request.BodyReader;
        var read = await reader.ReadAtLeastAsync(PrefixBytes, context.RequestAborted);
        var length = LengthOf(read.Buffer);
        // Nothing consumed: the gRPC server reads the message from its start.
        reader.AdvanceTo(read.Buffer.Start);
        var batch = path == BatchMethod;
        var limit = batch ? InputLimits.MaxBatchBytes : InputLimits.MaxRequestBytes;
        if (length > limit)
        {
            await ErrorResponse.WriteAsync(context, new Status(StatusCode.InvalidArgument, string.Create(
                CultureInfo.InvariantCulture,
                $"the request message is {length} bytes; {path[Service.Length..]} accepts at most {limit} bytes{(batch ? $" (and {InputLimits.MaxBatchEntries} entries): split the batch" : string.Empty)}")));
            return;
        }

        await next(context);
    }

    private static long LengthOf(ReadOnlySequence<byte> buffer)
    {
        if (buffer.Length < PrefixBytes)
        {
            return 0;
        }

        Span<byte> prefix = stackalloc byte[PrefixBytes];
        buffer.Slice(0, PrefixBytes).CopyTo(prefix);
        return BinaryPrimitives.ReadUInt32BigEndian(prefix[1..]);
    }
}
