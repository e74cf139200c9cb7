using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Validation;

/// <summary>
/// Every request is held to its bounds before any query, refused as InvalidArgument with a message that names
/// the limit and quotes at most a bounded prefix of what the client sent. Each test on SQLite and on MariaDB.
/// </summary>
public sealed class BoundedInputTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>
{
    private const int MessageBound = 400;

    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_filter_over_its_length_or_term_limit_is_refused_naming_the_limit(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Viewer));

        var tooManyTerms = await Refused(() => entries.ListEntriesAsync(new ListEntriesRequest { Filter = string.Join(' ', Enumerable.Repeat("w", 40)) }).ResponseAsync);
        var tooLong = await Refused(() => entries.ListEntriesAsync(new ListEntriesRequest { Filter = new string('x', 3_000) }).ResponseAsync);
        var withinLimits = await entries.ListEntriesAsync(new ListEntriesRequest { Filter = string.Join(' ', Enumerable.Repeat(new string('w', 60), 32)) });

        Assert.Contains("at most 32", tooManyTerms.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("40 terms", tooManyTerms.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("at most 2048", tooLong.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(withinLimits.Entries);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Messages_quote_only_a_bounded_prefix_of_what_the_client_sent(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        var audit = new AuditService.AuditServiceClient(server.Channel(TestTokens.Viewer));
        var big = new string('z', 3_000);

        var refusals = new[]
        {
            await Refused(() => entries.ListEntriesAsync(new ListEntriesRequest { PageToken = new string('A', 100_000) }).ResponseAsync),
            await Refused(() => entries.ListEntriesAsync(new ListEntriesRequest { PageToken = "e" + big[..100] }).ResponseAsync),
            await Refused(() => entries.ListEntriesAsync(new ListEntriesRequest { Filter = "kind=" + big[..2000] }).ResponseAsync),
            await Refused(() => entries.GetEntryAsync(new GetEntryRequest { Name = "entries/" + big }).ResponseAsync),
            await Refused(() => entries.DeleteEntryAsync(new DeleteEntryRequest { Name = new string('n', 1_000_000) }).ResponseAsync),
            await Refused(() => audit.ListAuditEventsAsync(new ListAuditEventsRequest { Entry = "x" + big }).ResponseAsync),
            await Refused(() => entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "a.example.com", Note = new string('n', 2_000_000) } }).ResponseAsync),
        };

        Assert.All(refusals, r => Assert.True(r.Status.Detail.Length < MessageBound, $"a {r.Status.Detail.Length}-character message: {r.Status.Detail[..Math.Min(80, r.Status.Detail.Length)]}"));
        Assert.Contains("page_token is 100000 characters long", refusals[0].Status.Detail, StringComparison.Ordinal);
        Assert.Contains("(3008 characters)", refusals[3].Status.Detail, StringComparison.Ordinal);
        Assert.Contains("name is 1000000 characters long; at most 4096", refusals[4].Status.Detail, StringComparison.Ordinal);
        Assert.Contains("entry.note", refusals[6].Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_lone_surrogate_is_refused_and_nothing_is_stored(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        using var http = server.Http(TestTokens.Editor);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));

        using var json = await http.PostAsync(
            "/v1/entries", new StringContent("""{"value": "surrogate.example.com", "note": "half \ud800 a pair"}""", Encoding.UTF8, "application/json"));
        var body = await json.Content.ReadAsStringAsync();

        var viaGrpc = await Refused(() => RawCreateAsync(server, "surrogate.example.com", noteBytes: [0xED, 0xA0, 0x80]));
        var viaSync = await Refused(() => RawHelloAsync(server, hostnameBytes: [0xED, 0xB0, 0x80]));

        Assert.Contains("String is invalid UTF-8", viaGrpc.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("GatewayMessage", viaSync.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal(3, JsonDocument.Parse(body).RootElement.GetProperty("code").GetInt32());
        Assert.Empty((await entries.ListEntriesAsync(new ListEntriesRequest())).Entries);
    }

    private static async Task<RpcException> Refused(Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        return e;
    }

    /// <summary>A CreateEntry whose note holds <paramref name="noteBytes"/> as they are, valid UTF-8 or not (no client library sends such bytes).</summary>
    private static async Task RawCreateAsync(ControlPlaneServer server, string value, byte[] noteBytes)
    {
        var bytes = WithBytes(new CreateEntryRequest { Entry = new Entry { Value = value, Note = new string('Q', noteBytes.Length) } }, noteBytes);
        var method = new Method<byte[], byte[]>(MethodType.Unary, "outputguard.v1.EntryService", "CreateEntry", Raw, Raw);
        await server.Channel(TestTokens.Editor).CreateCallInvoker().AsyncUnaryCall(method, null, default, bytes);
    }

    /// <summary>A sync stream whose Hello's hostname holds <paramref name="hostnameBytes"/> as they are.</summary>
    private static async Task RawHelloAsync(ControlPlaneServer server, byte[] hostnameBytes)
    {
        var hello = new GatewayMessage { Hello = new Hello { GatewayId = "gw-raw", Hostname = new string('Q', hostnameBytes.Length) } };
        var method = new Method<byte[], byte[]>(MethodType.DuplexStreaming, "outputguard.v1.GatewaySync", "Sync", Raw, Raw);
        using var call = server.Channel(TestTokens.Gateway).CreateCallInvoker().AsyncDuplexStreamingCall(method, null, default);
        await call.RequestStream.WriteAsync(WithBytes(hello, hostnameBytes));
        await call.ResponseStream.MoveNext(CancellationToken.None);
    }

    private static readonly Marshaller<byte[]> Raw = Marshallers.Create(b => b, b => b);

    private static byte[] WithBytes(IMessage message, byte[] replacement)
    {
        var bytes = message.ToByteArray();
        var at = bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes(new string('Q', replacement.Length)));
        replacement.CopyTo(bytes, at);
        return bytes;
    }
}
