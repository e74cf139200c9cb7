using System.Net;
using System.Net.WebSockets;
using System.Text;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.Testing;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Legacy;

/// <summary>A gateway of the replaced system on /ws: the full list on connect, then every add and del; in the registry while connected.</summary>
public sealed class LegacyGatewaySocketTests(LegacyServerFixture fixture) : IClassFixture<LegacyServerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private ControlPlaneServer Server => fixture.Server;

    private EntryService.EntryServiceClient Entries => new(Server.Channel(TestTokens.Admin));

    private static string Add(string ip) => $$"""{"ip":"{{ip}}","action":"add","IsLocalNet":false}""";

    private static string Del(string ip) => $$"""{"ip":"{{ip}}","action":"del","IsLocalNet":false}""";

    /// <summary>An old gateway: connects from <paramref name="source"/>, reads messages as text.</summary>
    private async Task<ClientWebSocket> ConnectAsync(string hostname, IPAddress? source = null, string? token = null)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (token is not null)
        {
            socket.Options.SetRequestHeader("authorization", $"Bearer {token}");
        }

        var handler = new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => LegacyServerFixture.ConnectFromAsync(source ?? LegacyServerFixture.Allowed, context.DnsEndPoint, cancellationToken),
        };
        var uri = new Uri($"ws://{Server.HttpUri.Authority}/ws?hostname={hostname}");
        using var timeout = new CancellationTokenSource(Wait);
        await socket.ConnectAsync(uri, new HttpMessageInvoker(handler), timeout.Token);
        return socket;
    }

    private static async Task<string> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(Wait);
        var result = await socket.ReceiveAsync(buffer, timeout.Token);
        Assert.True(result.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        return Encoding.UTF8.GetString(buffer, 0, result.Count);
    }

    private static Task HeartbeatAsync(ClientWebSocket socket) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), WebSocketMessageType.Text, true, default);

    [Fact]
    public async Task An_old_gateway_gets_the_full_list_on_connect_then_each_add_and_del_made_through_grpc()
    {
        await Entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.91" } });
        await Entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "198.51.100.32/28" } });
        // A port rule and an IPv6 address cannot be held by an old gateway: they are not sent (sending them would open more).
        await Entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.92", Ports = { "tcp/443" } } });
        await Entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "2001:db8::91" } });
        var state = await Server.Store.GetDesiredStateAsync(default);
        var expected = state.Destinations.Where(d => d.Port is null && d.Prefix.IsIPv4)
            .Select(d => Add(d.Prefix.IsHost ? d.Prefix.Address.ToString() : d.Prefix.ToString())).ToHashSet();
        using var socket = await ConnectAsync("old-gw-list");

        var full = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < expected.Count; i++)
        {
            full.Add(await ReceiveAsync(socket));
        }

        await HeartbeatAsync(socket);
        var added = await Entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.93" } });
        var add = await ReceiveAsync(socket);
        await Entries.DeleteEntryAsync(new DeleteEntryRequest { Name = added.Name });
        var del = await ReceiveAsync(socket);

        Assert.Equal(expected, full);
        Assert.Contains(Add("198.51.100.32/28"), full);
        Assert.Contains(Add("203.0.113.91"), full);
        Assert.DoesNotContain(full, m => m.Contains("203.0.113.92", StringComparison.Ordinal) || m.Contains("2001:db8", StringComparison.Ordinal));
        Assert.Equal(Add("203.0.113.93"), add);
        Assert.Equal(Del("203.0.113.93"), del);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
    }

    [Fact]
    public async Task An_old_gateway_is_listed_as_a_legacy_gateway_while_connected()
    {
        var gateways = new GatewayService.GatewayServiceClient(Server.Channel(TestTokens.Viewer));
        using var socket = await ConnectAsync("old-gw-registry");

        var listed = await Eventually.Until(
            async () => (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.FirstOrDefault(g => g.Id == "legacy:old-gw-registry"),
            g => g is { Connected: true },
            Wait,
            "the legacy gateway in the registry");
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
        var gone = await Eventually.Until(
            async () => (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Single(g => g.Id == "legacy:old-gw-registry"),
            g => !g.Connected,
            Wait,
            "the legacy gateway marked disconnected");

        Assert.Equal((GatewayKind.Legacy, "old-gw-registry", "legacy@127.0.0.1"), (listed!.Kind, listed.Hostname, listed.TokenName));
        Assert.True(gone.Gone);
    }

    [Fact]
    public async Task A_refused_source_without_a_token_cannot_open_the_socket_and_with_a_token_it_can()
    {
        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync("old-gw-refused", LegacyServerFixture.Refused));
        using var withToken = await ConnectAsync("old-gw-token", LegacyServerFixture.Refused, TestTokens.Gateway);

        Assert.Contains("401", refused.Message, StringComparison.Ordinal);
        Assert.Equal(WebSocketState.Open, withToken.State);
        await withToken.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
    }

    [Fact]
    public async Task Sockets_per_source_are_capped()
    {
        using var first = await ConnectAsync("old-gw-cap-1", LegacyServerFixture.Refused, TestTokens.Viewer);
        using var second = await ConnectAsync("old-gw-cap-2", LegacyServerFixture.Refused, TestTokens.Viewer);

        var third = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync("old-gw-cap-3", LegacyServerFixture.Refused, TestTokens.Viewer));

        Assert.Contains("429", third.Message, StringComparison.Ordinal);
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
        await second.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
    }

    [Fact]
    public async Task A_batch_reaches_an_old_gateway_as_one_add_per_address()
    {
        using var socket = await ConnectAsync("old-gw-batch");
        var initial = await Server.Store.GetDesiredStateAsync(default);
        var expected = initial.Destinations.Count(d => d.Port is null && d.Prefix.IsIPv4);
        for (var i = 0; i < expected; i++)
        {
            await ReceiveAsync(socket);
        }

        var request = new BatchCreateEntriesRequest { AllOrNothing = true };
        request.Entries.Add(Enumerable.Range(1, 300).Select(i => new Entry { Value = $"192.0.2.{i % 250}" }).DistinctBy(e => e.Value));
        await Entries.BatchCreateEntriesAsync(request);

        var received = new HashSet<string>(StringComparer.Ordinal);
        while (received.Count < 250)
        {
            received.Add(await ReceiveAsync(socket));
        }

        Assert.Equal(Enumerable.Range(0, 250).Select(i => Add($"192.0.2.{i}")).ToHashSet(), received);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
    }

    [Fact]
    public async Task A_gateway_whose_queue_overflows_still_ends_with_every_address()
    {
        // The fixture's send queue holds 2 revisions: 40 concurrent creates overflow it, and the socket is caught up by the difference.
        using var socket = await ConnectAsync("old-gw-lag");
        var initial = await Server.Store.GetDesiredStateAsync(default);
        var held = new HashSet<string>(StringComparer.Ordinal);
        var expected = initial.Destinations.Count(d => d.Port is null && d.Prefix.IsIPv4);
        while (held.Count < expected)
        {
            held.Add(await ReceiveAsync(socket));
        }

        await Task.WhenAll(Enumerable.Range(1, 40).Select(i =>
            Entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = $"198.51.100.{200 + i}" } }).ResponseAsync));

        var wanted = Enumerable.Range(1, 40).Select(i => Add($"198.51.100.{200 + i}")).ToHashSet();
        while (!wanted.IsSubsetOf(held))
        {
            held.Add(await ReceiveAsync(socket));
        }

        Assert.Superset(wanted, held);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", default);
    }
}
