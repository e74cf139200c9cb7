using System.Text.Encodings.Web;
using System.Text.Json;

namespace OutputGuard.ControlPlane.Legacy;

/// <summary>The replaced system's JSON shapes, written key by key so that names, order and text are exactly its own.</summary>
public static class LegacyJson
{
    /// <summary>
    /// Writer options: text as the replaced system wrote it — non-ASCII (its failure message) and quotes as themselves,
    /// not as \u escapes. The answers are application/json, never HTML, so the relaxed encoder is safe here.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes <c>{"info": info, "status": "success"|"failed"}</c> with <paramref name="statusCode"/>.</summary>
    public static async Task WriteResultAsync(HttpContext context, int statusCode, string info, bool success)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("info", info);
        writer.WriteString("status", success ? "success" : "failed");
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>Writes <c>{"message": "pong"}</c>.</summary>
    public static async Task WritePongAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(context.Response.Body, WriterOptions);
        writer.WriteStartObject();
        writer.WriteString("message", "pong");
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    /// <summary>A gateway message: <c>{"ip": "1.2.3.4", "action": "add"|"del", "IsLocalNet": false}</c>.</summary>
    public static byte[] GatewayMessage(string ip, bool add)
    {
        using var buffer = new MemoryStream(64);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("ip", ip);
            writer.WriteString("action", add ? "add" : "del");
            writer.WriteBoolean("IsLocalNet", false);
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
