using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Grpc.Core;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// Writes an error that is found before any gRPC handler runs (authentication, authorization, a malformed
/// JSON request) in the shape the client expects: to a gRPC client a trailers-only response (HTTP 200,
/// <c>content-type: application/grpc</c>, <c>grpc-status</c>, <c>grpc-message</c>), which grpcurl and every
/// gRPC library read as a status; to anyone else the HTTP status that JSON transcoding maps the code to and
/// the JSON body JSON transcoding writes for handler errors, <c>{"code":16,"message":"…","details":[]}</c>.
/// </summary>
public static class ErrorResponse
{
    /// <summary>Whether the request is a gRPC call (rather than HTTP/JSON).</summary>
    public static bool IsGrpc(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Writes <paramref name="status"/> (its message bounded) unless the response has started.</summary>
    public static async Task WriteAsync(HttpContext context, Status status)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        var message = ErrorStatus.Bound(status.Detail);
        if (IsGrpc(context.Request))
        {
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/grpc";
            response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(CultureInfo.InvariantCulture);
            response.Headers["grpc-message"] = PercentEncode(message);
            return;
        }

        response.StatusCode = HttpStatusOf(status.StatusCode);
        response.ContentType = "application/json; charset=utf-8";
        var body = new MemoryStream();
        await using (var json = new Utf8JsonWriter(body, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("code", (int)status.StatusCode);
            json.WriteString("message", message);
            json.WriteStartArray("details");
            json.WriteEndArray();
            json.WriteEndObject();
        }

        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), context.RequestAborted);
    }

    /// <summary>The HTTP status for a gRPC status code, as JSON transcoding (and google.rpc.Code) maps it.</summary>
    public static int HttpStatusOf(StatusCode code) => code switch
    {
        StatusCode.OK => StatusCodes.Status200OK,
        StatusCode.Cancelled => 499,
        StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.OutOfRange => StatusCodes.Status400BadRequest,
        StatusCode.DeadlineExceeded => StatusCodes.Status504GatewayTimeout,
        StatusCode.NotFound => StatusCodes.Status404NotFound,
        StatusCode.AlreadyExists or StatusCode.Aborted => StatusCodes.Status409Conflict,
        StatusCode.PermissionDenied => StatusCodes.Status403Forbidden,
        StatusCode.Unauthenticated => StatusCodes.Status401Unauthorized,
        StatusCode.ResourceExhausted => StatusCodes.Status429TooManyRequests,
        StatusCode.Unimplemented => StatusCodes.Status501NotImplemented,
        StatusCode.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>grpc-message encoding (gRPC over HTTP/2): UTF-8, every byte outside printable ASCII and '%' as %XX.</summary>
    public static string PercentEncode(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.All(c => c is >= ' ' and <= '~' and not '%'))
        {
            return message;
        }

        var text = new StringBuilder(message.Length * 2);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= (byte)' ' and <= (byte)'~' and not (byte)'%')
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
