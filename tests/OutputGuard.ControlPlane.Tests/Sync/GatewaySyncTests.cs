using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Sync;

/// <summary>The gateway sync stream against a real server, with a real Grpc.Net.Client.</summary>
public sealed class GatewaySyncTests : IAsyncLifetime
{
    private ControlPlaneServer _server = null!;
    private EntryService.EntryServiceClient _entries = null!;

    public async Task InitializeAsync()
    {
        _server = await ControlPlaneServer.StartAsync(o => o.StreamQueueCapacity = 8);
        _entries = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Editor));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private Task<string> StoreId() => _server.Store.GetStoreIdAsync(CancellationToken.None);

    [Fact]
    public async Task Gateway_with_an_old_revision_gets_exactly_the_missed_deltas_then_live_ones()
    {
        await Allow("203.0.113.1");
        await Allow("203.0.113.2");
        await Allow("203.0.113.3");

        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-a", appliedRevision: 1, storeId: await StoreId());
        var first = await gateway.NextAsync();
        var second = await gateway.NextAsync();
        await Allow("203.0.113.4");
        var live = await gateway.NextAsync();

        Assert.Equal((2, "203.0.113.2/32"), (first.Delta.Revision, Assert.Single(first.Delta.Add).Prefix));
        Assert.Equal((3, "203.0.113.3/32"), (second.Delta.Revision, Assert.Single(second.Delta.Add).Prefix));
        Assert.Equal((4, "203.0.113.4/32"), (live.Delta.Revision, Assert.Single(live.Delta.Add).Prefix));
    }

    [Fact]
    public async Task Gateway_older_than_the_change_log_gets_a_snapshot()
    {
        // The revisions are made before this control plane starts, so its feed never held them in memory either.
        var dir = Directory.CreateTempSubdirectory("og-trimmed-").FullName;
        try
        {
            await using (var before = await ControlPlaneServer.StartAsync(o => o.DataDir = dir))
            {
                var entries = new EntryService.EntryServiceClient(before.Channel(TestTokens.Editor));
                for (var i = 1; i <= 5; i++)
                {
                    await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = $"198.51.100.{i}" } });
                }

                await before.Store.TrimChangeLogAsync(2, CancellationToken.None);
            }

            await using var server = await ControlPlaneServer.StartAsync(o => o.DataDir = dir);
            await using var gateway = await SyncClient.ConnectAsync(
                server.Channel(TestTokens.Gateway), "gw-b", appliedRevision: 1, storeId: await server.Store.GetStoreIdAsync(CancellationToken.None));

            var (revision, destinations) = await gateway.NextSnapshotAsync();

            Assert.Equal(5, revision);
            Assert.Equal(Enumerable.Range(1, 5).Select(i => $"198.51.100.{i}/32"), destinations.Select(d => d.Prefix));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Gateway_that_missed_recent_revisions_is_caught_up_from_the_feed_after_the_log_was_trimmed()
    {
        for (var i = 1; i <= 5; i++)
        {
            await Allow($"198.51.100.{i}");
        }

        await Eventually.True(() => _server.App.Services.GetRequiredService<ControlPlane.Sync.ChangeFeed>().PublishedRevision == 5, TimeSpan.FromSeconds(10), "the feed published revision 5");
        await _server.Store.TrimChangeLogAsync(0, CancellationToken.None);
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-r", appliedRevision: 2, storeId: await StoreId());

        var deltas = new[] { await gateway.NextAsync(), await gateway.NextAsync(), await gateway.NextAsync() };

        Assert.Equal([3L, 4L, 5L], deltas.Select(d => d.Delta.Revision));
        Assert.Equal(["198.51.100.3/32", "198.51.100.4/32", "198.51.100.5/32"], deltas.Select(d => Assert.Single(d.Delta.Add).Prefix));
    }

    [Fact]
    public async Task Replayed_create_makes_no_revision_and_no_delta()
    {
        await Allow("192.0.2.1");
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-c", appliedRevision: 1, storeId: await StoreId());

        await Allow("192.0.2.1");
        await Allow("192.0.2.2");
        var next = await gateway.NextAsync();

        Assert.Equal(ControlMessage.KindOneofCase.Delta, next.KindCase);
        Assert.Equal(2, next.Delta.Revision);
        Assert.Equal("192.0.2.2/32", Assert.Single(next.Delta.Add).Prefix);
    }

    [Fact]
    public async Task Delete_is_streamed_as_a_remove()
    {
        var entry = await Allow("2001:db8::7");
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-d", appliedRevision: 1, storeId: await StoreId());

        await _entries.DeleteEntryAsync(new DeleteEntryRequest { Name = entry.Name });
        var next = await gateway.NextAsync();

        Assert.Equal(2, next.Delta.Revision);
        Assert.Empty(next.Delta.Add);
        Assert.Equal("2001:db8::7/128", Assert.Single(next.Delta.Remove).Prefix);
    }

    [Fact]
    public async Task Acks_and_disconnects_show_in_the_gateway_registry()
    {
        await Allow("203.0.113.9");
        var gateways = new GatewayService.GatewayServiceClient(_server.Channel(TestTokens.Viewer));
        var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-e", appliedRevision: 0);
        var (revision, destinations) = await gateway.NextSnapshotAsync();

        await gateway.AckAsync(revision, destinations.Count);
        var acked = await Eventually.Until(
            async () => (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Single(g => g.Id == "gw-e"),
            g => g.AppliedRevision == revision, TimeSpan.FromSeconds(5), "ack recorded");
        await gateway.DisposeAsync();
        var gone = await Eventually.Until(
            async () => (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Single(g => g.Id == "gw-e"),
            g => !g.Connected, TimeSpan.FromSeconds(5), "disconnect recorded");

        Assert.True(acked.Connected);
        Assert.Equal(1, acked.ElementCount);
        Assert.Equal("gw", acked.TokenName);
        Assert.Equal(revision, gone.AppliedRevision);
    }

    [Fact]
    public async Task Stream_without_hello_or_with_an_admin_token_is_refused()
    {
        var noHello = new GatewaySync.GatewaySyncClient(_server.Channel(TestTokens.Gateway)).Sync();
        await noHello.RequestStream.WriteAsync(new GatewayMessage { Ack = new Ack { Revision = 1 } });
        var badFirst = await Assert.ThrowsAsync<RpcException>(() => noHello.ResponseStream.MoveNext(CancellationToken.None));
        var admin = new GatewaySync.GatewaySyncClient(_server.Channel(TestTokens.Admin)).Sync();
        await admin.RequestStream.WriteAsync(new GatewayMessage { Hello = new Hello { GatewayId = "x" } }).ContinueWith(_ => { }, TaskScheduler.Default);
        var denied = await Assert.ThrowsAsync<RpcException>(() => admin.ResponseStream.MoveNext(CancellationToken.None));

        Assert.Equal(StatusCode.InvalidArgument, badFirst.StatusCode);
        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
    }

    [Fact]
    public async Task Client_that_never_reads_keeps_a_bounded_queue_and_is_caught_up_by_a_snapshot()
    {
        // A small HTTP/2 window so that the server's writes block once the client stops reading.
        using var channel = TestChannels.WithToken(_server.GrpcUri, TestTokens.Gateway, new SocketsHttpHandler { InitialHttp2StreamWindowSize = 65_535 });
        var gateways = new GatewayService.GatewayServiceClient(_server.Channel(TestTokens.Viewer));
        await using var stalled = await SyncClient.ConnectAsync(channel, "gw-stalled", appliedRevision: 0, read: false);
        await Eventually.True(
            async () => (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Any(g => g.Id == "gw-stalled" && g.Connected),
            TimeSpan.FromSeconds(5), "stalled gateway registered");

        // 150 revisions of 64 destinations each: about 300 KB of deltas, far past the window.
        var ports = Enumerable.Range(1, 64).Select(p => string.Create(CultureInfo.InvariantCulture, $"tcp/{p * 10}")).ToArray();
        var maxQueued = 0;
        for (var i = 0; i < 150; i++)
        {
            await Allow(string.Create(CultureInfo.InvariantCulture, $"198.51.100.{i + 1}"), ports);
            if (i % 10 == 0)
            {
                var view = (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Single(g => g.Id == "gw-stalled");
                maxQueued = Math.Max(maxQueued, view.QueuedMessages);
            }
        }

        var full = await Eventually.Until(
            async () => (await gateways.ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Single(g => g.Id == "gw-stalled"),
            g => g.QueuedMessages == 8, TimeSpan.FromSeconds(10), "the stalled gateway's queue fills to its bound");
        stalled.StartReading();
        long lastRevision = 0;
        var messages = 0;
        List<Destination>? snapshot = null;
        while (lastRevision < 150)
        {
            var message = await stalled.NextAsync();
            messages++;
            if (message.KindCase == ControlMessage.KindOneofCase.Snapshot)
            {
                snapshot = message.Snapshot.Part == 0 ? [.. message.Snapshot.Destinations] : [.. snapshot!, .. message.Snapshot.Destinations];
                lastRevision = message.Snapshot.Last ? message.Snapshot.Revision : lastRevision;
            }
            else
            {
                lastRevision = message.Delta.Revision;
            }
        }

        Assert.True(maxQueued <= 8, $"queue grew to {maxQueued}, past its bound of 8");
        Assert.Equal(8, full.QueuedMessages);
        Assert.NotNull(snapshot);
        Assert.Equal(150 * 64, snapshot.Count);
        Assert.True(messages < 150, $"{messages} messages: the stalled revisions were queued instead of replaced by a snapshot");
    }

    private Task<Entry> Allow(string value, params string[] ports) =>
        _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value, Ports = { ports } } }).ResponseAsync;
}
