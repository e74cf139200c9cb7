using System.Data.Common;
using Grpc.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Sync;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Sync;

/// <summary>
/// A sync stream from its Hello to its end: headers at once, served after the gateway half-closes, cut when it
/// stops reading, and unregistered whatever ends it, so the registry and the streams metric agree with the
/// open connections. Each test on SQLite and on MariaDB.
/// </summary>
public sealed class StreamLifecycleTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>
{
    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_client_that_sends_hello_and_half_closes_receives_the_snapshot_and_a_later_delta(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.20" } });

        await using var grpcurlLike = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-half", 0, read: false);
        await grpcurlLike.CompleteSendingAsync();
        grpcurlLike.StartReading();
        var (revision, destinations) = await grpcurlLike.NextSnapshotAsync();
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.21" } });
        var delta = await grpcurlLike.NextAsync();

        Assert.Equal((1, "203.0.113.20/32"), (revision, Assert.Single(destinations).Prefix));
        Assert.Equal((2, "203.0.113.21/32"), (delta.Delta.Revision, Assert.Single(delta.Delta.Add).Prefix));
        Assert.False(grpcurlLike.HasEnded);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Response_headers_arrive_when_the_hello_is_accepted_even_with_nothing_to_send(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.22" } });

        // At the current revision nothing is sent; the headers still tell the gateway it is connected.
        await using var current = await SyncClient.ConnectAsync(
            server.Channel(TestTokens.Gateway), "gw-current", appliedRevision: 1, storeId: await server.Store.GetStoreIdAsync(CancellationToken.None));
        var headers = await current.ResponseHeadersAsync.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.NotNull(headers);
        await Assert.ThrowsAsync<TimeoutException>(() => current.NextAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_stream_that_does_not_read_is_cut_after_the_write_timeout_and_unregistered(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, o =>
        {
            o.StreamWriteTimeoutSeconds = 2;
            o.SnapshotPartSize = 500;
        });
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        var ports = Enumerable.Range(1, 64).Select(p => FormattableString.Invariant($"tcp/{p * 10}")).ToArray();
        for (var i = 1; i <= 120; i++)
        {
            await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = FormattableString.Invariant($"198.51.100.{i}"), Ports = { ports } } });
        }

        using var channel = TestChannels.WithToken(server.GrpcUri, TestTokens.Gateway, TestChannels.SmallWindow());
        await using var stalled = await SyncClient.ConnectAsync(channel, "gw-stalled", 0, read: false);
        var registry = server.App.Services.GetRequiredService<GatewayRegistry>();
        await Eventually.True(() => registry.ConnectedCount == 1, TimeSpan.FromSeconds(5), "the stream registered");

        await Eventually.True(() => registry.ConnectedCount == 0, TimeSpan.FromSeconds(15), "the stalled stream cut");
        var row = await Eventually.Until(
            async () => (await Gateways(server)).Single(g => g.Id == "gw-stalled"), g => g.Gone, TimeSpan.FromSeconds(5), "the row gone");

        Assert.False(row.Connected);
        using var metrics = server.Http(TestTokens.Viewer);
        Assert.Matches(@"(?m)^outputguard_gateway_streams(\{\})? 0$", await metrics.GetStringAsync("/metrics"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task When_the_registry_cannot_be_written_the_stream_still_leaves_and_the_row_catches_up(string backend)
    {
        string? connectionString = null;
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, o =>
        {
            o.GatewayGoneAfterSeconds = 3;
            connectionString = o.UsesMySql
                ? new MySqlConnectionStringBuilder { Server = o.DbServer, Port = (uint)o.DbPort, UserID = o.DbUser, Password = o.DbPassword, Database = o.DbName }.ConnectionString
                : new SqliteConnectionStringBuilder { DataSource = Path.Combine(o.DataDir, "outputguard.db") }.ConnectionString;
        });
        var registry = server.App.Services.GetRequiredService<GatewayRegistry>();
        await Allow(server, "192.0.2.30");
        var gateway = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-cleanup", 0);
        var (revision, _) = await gateway.NextSnapshotAsync();

        await RawAsync(backend, connectionString!, backend == "sqlite" ? "ALTER TABLE gateways RENAME TO gateways_away" : "RENAME TABLE gateways TO gateways_away");
        await gateway.AckAsync(revision, 0);
        await gateway.DisposeAsync();
        await Eventually.True(() => registry.ConnectedCount == 0, TimeSpan.FromSeconds(5), "the stream unregistered although the store failed");
        await RawAsync(backend, connectionString!, backend == "sqlite" ? "ALTER TABLE gateways_away RENAME TO gateways" : "RENAME TABLE gateways_away TO gateways");
        var row = await Eventually.Until(
            async () => (await Gateways(server)).Single(g => g.Id == "gw-cleanup"), g => g.Gone, TimeSpan.FromSeconds(10), "the disconnect recorded later");

        Assert.False(row.Connected);
        await using var again = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-cleanup", revision);
        await Eventually.True(async () => (await Gateways(server)).Single(g => g.Id == "gw-cleanup").Connected, TimeSpan.FromSeconds(5), "a new stream");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Gone_gateways_are_shown_as_gone_until_their_rows_are_pruned(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, o =>
        {
            o.GatewayGoneAfterSeconds = 3;
            o.GatewayRetentionSeconds = 6;
        });
        var now = DateTimeOffset.UtcNow;
        // A row left behind by a replica that died while it held the stream.
        await server.Store.UpsertGatewayAsync(new GatewayRecord("gw-orphan", "h", "v", 0, now.AddSeconds(-4), true, 0, "gw", "dead-replica/1"), CancellationToken.None);
        await Allow(server, "192.0.2.31");
        var gateway = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-leaves", 0);
        await gateway.NextSnapshotAsync();

        var whileConnected = await Gateways(server);
        await gateway.DisposeAsync();
        var left = await Eventually.Until(
            async () => (await Gateways(server)).SingleOrDefault(g => g.Id == "gw-leaves"), g => g is { Gone: true }, TimeSpan.FromSeconds(5), "gone");
        await Eventually.True(async () => (await Gateways(server)).Count == 0, TimeSpan.FromSeconds(20), "both rows pruned");

        Assert.False(whileConnected.Single(g => g.Id == "gw-leaves").Gone);
        var orphan = whileConnected.Single(g => g.Id == "gw-orphan");
        Assert.Equal((false, true), (orphan.Connected, orphan.Gone));
        Assert.Equal(left!.LastSeen.ToDateTimeOffset().AddSeconds(6), left.PruneTime.ToDateTimeOffset());
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Gateways_that_connect_together_share_one_snapshot_read(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        await Allow(server, "192.0.2.40");
        var cache = server.App.Services.GetRequiredService<SnapshotCache>();
        var loads = cache.Loads;

        var gateways = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), $"gw-share-{i}", 0)));
        var snapshots = await Task.WhenAll(gateways.Select(g => g.NextSnapshotAsync()));
        await Allow(server, "192.0.2.41");
        await using var late = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-share-late", 0);
        var (lateRevision, _) = await late.NextSnapshotAsync();

        Assert.All(snapshots, s => Assert.Equal((1L, 1), (s.Revision, s.Destinations.Count)));
        Assert.Equal(2, lateRevision);
        Assert.Equal(2, cache.Loads - loads);
        foreach (var gateway in gateways)
        {
            await gateway.DisposeAsync();
        }
    }

    private static async Task RawAsync(string backend, string connectionString, string sql)
    {
        await using DbConnection connection = backend == "sqlite" ? new SqliteConnection(connectionString) : new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static Task<Entry> Allow(ControlPlaneServer server, string value) =>
        new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor)).CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value } }).ResponseAsync;

    private static async Task<IReadOnlyList<Gateway>> Gateways(ControlPlaneServer server) =>
        (await new GatewayService.GatewayServiceClient(server.Channel(TestTokens.Viewer)).ListGatewaysAsync(new ListGatewaysRequest())).Gateways;
}
