using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace OutputGuard.ControlPlane.Tests.Readme;

/// <summary>
/// A grpcurl command line done with Grpc.Net.Client, as grpcurl would do it (grpcurl itself is not installable
/// here): <c>-plaintext</c>, <c>-H "key: value"</c>, <c>-d JSON</c> or <c>-d @</c> (the messages on stdin), then the
/// address and <c>list</c> or a method. The request JSON is parsed and the answers are printed with the method's
/// protobuf descriptors, as grpcurl does with the ones server reflection gives it.
/// </summary>
public sealed class GrpcurlCall
{
    private static readonly FileDescriptor[] Files =
    [
        V1.EntriesReflection.Descriptor, V1.StateReflection.Descriptor, V1.GatewaysReflection.Descriptor, V1.AuditReflection.Descriptor,
        V1.TrafficReflection.Descriptor, V1.SyncReflection.Descriptor, Grpc.Health.V1.HealthReflection.Descriptor,
    ];

    private readonly Metadata _headers = [];
    private string? _data;
    private string _address = string.Empty;
    private string _target = string.Empty;

    /// <summary>Parses grpcurl's words (as bash made them) and the stdin of <c>-d @</c>.</summary>
    public static GrpcurlCall Parse(IReadOnlyList<string> args, string stdin)
    {
        ArgumentNullException.ThrowIfNull(args);
        var call = new GrpcurlCall();
        var positional = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "-plaintext":
                    break;
                case "-H":
                    var header = args[++i];
                    var colon = header.IndexOf(':', StringComparison.Ordinal);
                    call._headers.Add(header[..colon].Trim().ToLowerInvariant(), header[(colon + 1)..].Trim());
                    break;
                case "-d":
                    call._data = args[++i] == "@" ? stdin : args[i];
                    break;
                default:
                    positional.Add(args[i].StartsWith('-') ? throw new NotSupportedException($"grpcurl flag {args[i]} is not translated") : args[i]);
                    break;
            }
        }

        call._address = positional[0];
        call._target = positional[1];
        return call;
    }

    /// <summary>Runs the call and returns what grpcurl would print: each answer as JSON, or the service list. Throws <see cref="RpcException"/> as grpcurl reports an error.</summary>
    public async Task<string> RunAsync(TimeSpan timeout)
    {
        using var channel = GrpcChannel.ForAddress($"http://{_address}");
        using var cts = new CancellationTokenSource(timeout);
        if (_target == "list")
        {
            return await ListAsync(channel, cts.Token);
        }

        var slash = _target.LastIndexOf('/');
        var service = Files.SelectMany(f => f.Services).Single(s => s.FullName == _target[..slash]);
        var method = service.FindMethodByName(_target[(slash + 1)..]) ?? throw new InvalidOperationException($"{_target}: no such method");
        var requests = Messages(_data ?? "{}").Select(json => JsonParser.Default.Parse(json, method.InputType)).ToList();
        var wire = new Method<IMessage, IMessage>(
            method.IsClientStreaming && method.IsServerStreaming ? MethodType.DuplexStreaming
                : method.IsServerStreaming ? MethodType.ServerStreaming : method.IsClientStreaming ? MethodType.ClientStreaming : MethodType.Unary,
            service.FullName,
            method.Name,
            Marshaller(method.InputType),
            Marshaller(method.OutputType));
        var options = new CallOptions(_headers, cancellationToken: cts.Token);
        var invoker = channel.CreateCallInvoker();
        if (wire.Type == MethodType.Unary)
        {
            return JsonFormatter.Default.Format(await invoker.AsyncUnaryCall(wire, null, options, requests.Single()));
        }

        if (wire.Type != MethodType.DuplexStreaming)
        {
            throw new NotSupportedException($"{wire.Type} calls are not translated");
        }

        // grpcurl sends the messages and half-closes; the first answers are read before this side closes, so that the
        // translation does not depend on how the server treats an early half-close (GatewaySync keeps streaming).
        using var duplex = invoker.AsyncDuplexStreamingCall(wire, null, options);
        foreach (var request in requests)
        {
            await duplex.RequestStream.WriteAsync(request, cts.Token);
        }

        var output = new StringBuilder();
        if (await duplex.ResponseStream.MoveNext(cts.Token))
        {
            output.AppendLine(JsonFormatter.Default.Format(duplex.ResponseStream.Current));
        }

        return output.ToString();
    }

    private async Task<string> ListAsync(GrpcChannel channel, CancellationToken cancellationToken)
    {
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(_headers, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        await call.ResponseStream.MoveNext(cancellationToken);
        return string.Join('\n', call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    /// <summary>The JSON messages of a <c>-d</c> value: one or more objects one after another, as grpcurl reads them.</summary>
    private static List<string> Messages(string data)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true });
        var messages = new List<string>();
        while (reader.Read())
        {
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            messages.Add(Encoding.UTF8.GetString(bytes, start, (int)reader.BytesConsumed - start));
        }

        return messages;
    }

    private static Marshaller<IMessage> Marshaller(MessageDescriptor descriptor) =>
        Marshallers.Create(m => m.ToByteArray(), b => descriptor.Parser.ParseFrom(b));
}
