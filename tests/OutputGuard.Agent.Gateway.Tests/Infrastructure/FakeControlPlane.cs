using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>
/// A test control plane: speaks GatewaySync/Sync on cleartext HTTP/2 (gRPC framing by hand), answers every Hello
/// with the messages a test scripts — including ones the real control plane never sends — and records what the
/// gateway sends back.
/// </summary>
public sealed class FakeControlPlane : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<Hello, IEnumerable<ControlMessage>> _script;

    private FakeControlPlane(WebApplication app, Uri uri, Func<Hello, IEnumerable<ControlMessage>> script)
    {
        _app = app;
        Uri = uri;
        _script = script;
    }

    /// <summary>Where the gateway connects.</summary>
    public Uri Uri { get; }

    /// <summary>Every message the gateway sent, in order.</summary>
    public ConcurrentQueue<GatewayMessage> Received { get; } = new();

    /// <summary>Listens on a free port of <paramref name="address"/> and answers each Hello with <paramref name="script"/>.</summary>
    public static async Task<FakeControlPlane> StartAsync(IPAddress address, Func<Hello, IEnumerable<ControlMessage>> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var port = FreePort.Tcp(address);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var fake = new FakeControlPlane(app, new Uri($"http://{address}:{port}"), script);
        app.MapPost("/outputguard.v1.GatewaySync/Sync", fake.SyncAsync);
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private async Task SyncAsync(HttpContext context)
    {
        context.Response.ContentType = "application/grpc";
        var ct = context.RequestAborted;
        try
        {
            var first = await ReadAsync(context.Request.Body, ct);
            if (first?.Hello is not { } hello)
            {
                return;
            }

            Received.Enqueue(first);
            await context.Response.StartAsync(ct);
            foreach (var message in _script(hello))
            {
                var bytes = message.ToByteArray();
                var header = new byte[5];
                BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)bytes.Length);
                await context.Response.Body.WriteAsync(header, ct);
                await context.Response.Body.WriteAsync(bytes, ct);
                await context.Response.Body.FlushAsync(ct);
            }

            while (await ReadAsync(context.Request.Body, ct) is { } next)
            {
                Received.Enqueue(next);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The gateway went away.
        }

        context.Response.AppendTrailer("grpc-status", "0");
    }

    private static async Task<GatewayMessage?> ReadAsync(Stream body, CancellationToken ct)
    {
        var header = new byte[5];
        try
        {
            await body.ReadExactlyAsync(header, ct);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1));
        if (header[0] != 0 || length > 4 * 1024 * 1024)
        {
            throw new IOException("a compressed or oversized gRPC message");
        }

        var payload = new byte[length];
        await body.ReadExactlyAsync(payload, ct);
        return GatewayMessage.Parser.ParseFrom(payload);
    }
}
