using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Api;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;

namespace OutputGuard.ControlPlane.Api;

/// <summary>
/// Middleware in front of the JSON API (gRPC JSON transcoding): checks the query string and the JSON body of
/// a request against its method's request message before transcoding reads them, and refuses a malformed one
/// with INVALID_ARGUMENT (HTTP 400) naming the field and the fix — where transcoding would answer "Request JSON
/// payload is not correctly formatted." or "The input string 'abc' was not in a correct format.", or silently
/// ignore a misspelt field. Unknown fields and query parameters are refused, as the proto3 JSON mapping
/// prescribes. gRPC requests and other endpoints pass untouched.
/// </summary>
public sealed partial class JsonRequestCheck(RequestDelegate next, EndpointDataSource endpoints)
{
    private string? _methods;

    /// <summary>The largest body checked (the gRPC receive limit); a larger one is refused.</summary>
    public const int MaxBodyBytes = InputLimits.MaxRequestBytes;

    /// <summary>Checks, then calls the rest of the pipeline when the request is well-formed.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var endpoint = context.GetEndpoint();
        if (endpoint is null && context.Request.Path.StartsWithSegments("/v1") && !ErrorResponse.IsGrpc(context.Request))
        {
            await ErrorResponse.WriteAsync(context, new Status(
                StatusCode.NotFound, $"no API method answers {context.Request.Method} {ErrorStatus.Bound(context.Request.Path.Value, 200)}; the JSON API has {Methods()}"));
            return;
        }

        var metadata = endpoint?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        if (metadata is null || ErrorResponse.IsGrpc(context.Request))
        {
            await next(context);
            return;
        }

        var problem = CheckQuery(context.Request, metadata.MethodDescriptor.InputType, metadata.HttpRule)
            ?? await CheckBodyAsync(context.Request, metadata.MethodDescriptor.InputType, metadata.HttpRule);
        if (problem is not null)
        {
            await ErrorResponse.WriteAsync(context, new Status(StatusCode.InvalidArgument, problem));
            return;
        }

        await next(context);
    }

    private static string? CheckQuery(HttpRequest request, MessageDescriptor input, HttpRule rule)
    {
        if (request.Query.Count == 0)
        {
            return null;
        }

        var call = $"{request.Method} {request.Path}";
        var bound = RouteFields(rule);
        var queryable = input.Fields.InDeclarationOrder()
            .Where(f => !bound.Contains(f.Name) && f.Name != rule.Body)
            .ToList();
        foreach (var (key, values) in request.Query)
        {
            if (rule.Body == "*")
            {
                return $"{call} reads no query parameters (got '{ErrorStatus.Bound(key, 64)}'); send the fields in the JSON body";
            }

            var message = input;
            FieldDescriptor? field = null;
            foreach (var segment in key.Split('.'))
            {
                field = message is null ? null : JsonShapeCheck.Find(message, segment);
                if (field is null || bound.Contains(field.Name) || field.Name == rule.Body)
                {
                    return $"unknown query parameter '{ErrorStatus.Bound(key, 64)}' for {call}; it takes " +
                        (queryable.Count == 0 ? "none" : string.Join(", ", queryable.Select(f => f.Name)));
                }

                message = field.FieldType == FieldType.Message ? field.MessageType : null;
            }

            var texts = values.Select(v => v ?? string.Empty).ToList();
            var problem = field!.FieldType == FieldType.Message
                ? WellKnownProblem(field, key, texts)
                : JsonShapeCheck.CheckQuery(field, key, texts);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static async Task<string?> CheckBodyAsync(HttpRequest request, MessageDescriptor input, HttpRule rule)
    {
        if (rule.Body.Length == 0 || (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0))
        {
            return null;
        }

        if (request.ContentType is not { } type || !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return $"the body of {request.Method} {request.Path} must be JSON: send it with 'content-type: application/json' (curl: -H 'content-type: application/json')";
        }

        // BatchCreateEntries takes up to 100,000 entries (InputLimits.MaxBatchBytes); every other method the default.
        var maxBytes = input.Name == "BatchCreateEntriesRequest" ? InputLimits.MaxBatchBytes : MaxBodyBytes;
        if (request.ContentLength > maxBytes)
        {
            return $"the body is {request.ContentLength} bytes; at most {maxBytes} are accepted";
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: maxBytes);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, default, request.HttpContext.RequestAborted);
        }
        catch (JsonException e)
        {
            return $"the body is not valid JSON: {ErrorStatus.Bound(e.Message, 200)}";
        }
        catch (IOException) when (request.Body.Position >= maxBytes)
        {
            return $"the body is larger than {maxBytes} bytes";
        }
        finally
        {
            request.Body.Position = 0;
        }

        using (document)
        {
            if (rule.Body == "*")
            {
                return JsonShapeCheck.CheckMessage(document.RootElement, input, string.Empty);
            }

            var field = input.FindFieldByName(rule.Body);
            return field?.FieldType == FieldType.Message
                ? JsonShapeCheck.CheckMessage(document.RootElement, field.MessageType, field.Name)
                : null;
        }
    }

    private static string? WellKnownProblem(FieldDescriptor field, string key, List<string> values)
    {
        foreach (var value in values)
        {
            try
            {
                Google.Protobuf.JsonParser.Default.Parse(JsonSerializer.Serialize(value), field.MessageType);
            }
            catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or InvalidOperationException or FormatException)
            {
                var example = field.MessageType.Name == "Timestamp" ? "2026-11-01T00:00:00Z" : "…";
                return $"query parameter {key} must be a {field.MessageType.Name} (e.g. {key}={example}), not '{ErrorStatus.Bound(value, 64)}'";
            }
        }

        return null;
    }

    /// <summary>"GET /v1/entries, POST /v1/entries, …": every transcoded method, for a request that matches none.</summary>
    private string Methods() => _methods ??= string.Join(", ", endpoints.Endpoints
        .Select(e => e.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>()?.HttpRule)
        .OfType<HttpRule>()
        .Select(r => $"{r.PatternCase.ToString().ToUpperInvariant()} {Template(r)}")
        .Distinct(StringComparer.Ordinal));

    private static string Template(HttpRule rule) => rule.PatternCase switch
    {
        HttpRule.PatternOneofCase.Get => rule.Get,
        HttpRule.PatternOneofCase.Post => rule.Post,
        HttpRule.PatternOneofCase.Put => rule.Put,
        HttpRule.PatternOneofCase.Delete => rule.Delete,
        HttpRule.PatternOneofCase.Patch => rule.Patch,
        HttpRule.PatternOneofCase.Custom => rule.Custom.Path,
        _ => string.Empty,
    };

    /// <summary>The fields a rule's path template binds, e.g. "name" for "/v1/{name=entries/*}".</summary>
    private static HashSet<string> RouteFields(HttpRule rule)
    {
        return RouteVariable().Matches(Template(rule)).Select(m => m.Groups[1].Value.Split('.')[0]).ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\{([A-Za-z0-9_.]+)(?:=[^}]*)?\}")]
    private static partial Regex RouteVariable();
}
