using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Sync;

/// <summary>
/// A gateway token is one gateway (or the fleet its gateway_ids name): it cannot claim, replace or rewrite
/// another gateway, and what it says about itself is bounded. Each test on SQLite and on MariaDB.
/// </summary>
public sealed class GatewayIdentityTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>
{
    private const string EdgeOneSecret = "edge-1-secret-0123456789";
    private const string RotatedSecret = "edge-1-rotated-0123456789";
    private const string FleetSecret = "fleet-secret-0123456789";

    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_gateway_token_claims_only_its_own_id_and_writes_no_other_row(string backend)
    {
        await using var server = await StartAsync(backend);

        var own = await SyncClient.ConnectAsync(server.Channel(EdgeOneSecret), "edge-1", 0);
        var (revision, _) = await own.NextSnapshotAsync();
        await using var imposter = await SyncClient.ConnectAsync(server.Channel(EdgeOneSecret), "edge-2", 0);
        var refused = await imposter.EndedWithin(TimeSpan.FromSeconds(10));
        await using var fleetMember = await SyncClient.ConnectAsync(server.Channel(FleetSecret), "fleet-eu-7", 0);
        await fleetMember.NextSnapshotAsync();

        Assert.Equal(StatusCode.PermissionDenied, refused?.StatusCode);
        Assert.Contains("may not claim gateway id 'edge-2'", refused!.Status.Detail, StringComparison.Ordinal);
        var ids = (await Gateways(server)).Select(g => g.Id).Order(StringComparer.Ordinal);
        Assert.Equal(["edge-1", "fleet-eu-7"], ids);
        Assert.Equal(1, revision);
        await own.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_stream_of_another_token_cannot_replace_an_open_stream_and_the_same_token_can(string backend)
    {
        await using var server = await StartAsync(backend);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        await using var first = await SyncClient.ConnectAsync(server.Channel(EdgeOneSecret), "edge-1", 0);
        await first.NextSnapshotAsync();

        await using var other = await SyncClient.ConnectAsync(server.Channel(RotatedSecret), "edge-1", 0);
        var otherEnd = await other.EndedWithin(TimeSpan.FromSeconds(10));
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.10" } });
        var stillServed = await first.NextAsync();
        await using var again = await SyncClient.ConnectAsync(server.Channel(EdgeOneSecret), "edge-1", 0);
        await again.NextSnapshotAsync();
        var firstEnd = await first.EndedWithin(TimeSpan.FromSeconds(10));

        Assert.Equal(StatusCode.AlreadyExists, otherEnd?.StatusCode);
        Assert.Equal(2, stillServed.Delta.Revision);
        Assert.Equal(StatusCode.Aborted, firstEnd?.StatusCode);
        var row = Assert.Single(await Gateways(server));
        Assert.Equal(("edge-1", "edge-1", true), (row.Id, row.TokenName, row.Connected));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Acks_above_the_revision_sent_and_negative_counts_end_the_stream_and_are_not_stored(string backend)
    {
        await using var server = await StartAsync(backend);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        await using var gateway = await SyncClient.ConnectAsync(server.Channel(EdgeOneSecret), "edge-1", 0);
        var (revision, destinations) = await gateway.NextSnapshotAsync();
        await gateway.AckAsync(revision, destinations.Count);
        await Eventually.True(async () => (await Gateways(server)).Single().AppliedRevision == revision, TimeSpan.FromSeconds(5), "the honest ack");

        await gateway.AckAsync(999_999, 1);
        var end = await gateway.EndedWithin(TimeSpan.FromSeconds(10));
        await using var negative = await SyncClient.ConnectAsync(
            server.Channel(EdgeOneSecret), new Hello { GatewayId = "edge-1", AppliedRevision = revision, ElementCount = 1 });
        await negative.AckAsync(revision, -5);
        var negativeEnd = await negative.EndedWithin(TimeSpan.FromSeconds(10));

        Assert.Equal(StatusCode.InvalidArgument, end?.StatusCode);
        Assert.Contains("ack.revision 999999", end!.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.InvalidArgument, negativeEnd?.StatusCode);
        Assert.Contains("ack.element_count -5", negativeEnd!.Status.Detail, StringComparison.Ordinal);
        var row = await Eventually.Until(async () => (await Gateways(server)).Single(), g => !g.Connected, TimeSpan.FromSeconds(5), "the disconnect");
        Assert.Equal((revision, 1L), (row.AppliedRevision, row.ElementCount));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_hello_with_an_oversized_hostname_or_an_unprintable_id_is_refused_and_the_open_stream_lives_on(string backend)
    {
        await using var server = await StartAsync(backend);
        await using var open = await SyncClient.ConnectAsync(server.Channel(EdgeOneSecret), "edge-1", 0);
        await open.NextSnapshotAsync();
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));

        var hostname = await Refusal(server, new Hello { GatewayId = "edge-1", Hostname = new string('h', 300) });
        var escape = await Refusal(server, new Hello { GatewayId = "edge-1\u001b[31m" });
        var nul = await Refusal(server, new Hello { GatewayId = "fleet-\0" }, FleetSecret);
        var version = await Refusal(server, new Hello { GatewayId = "edge-1", Version = new string('v', 3_000_000) });
        var revisionAbove = await SyncClient.ConnectAsync(server.Channel(FleetSecret), new Hello { GatewayId = "fleet-1", AppliedRevision = 999_999 });
        var (snapshotRevision, _) = await revisionAbove.NextSnapshotAsync();
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.12" } });
        var delta = await open.NextAsync();

        Assert.All([hostname, escape, nul, version], e => Assert.Equal(StatusCode.InvalidArgument, e.StatusCode));
        Assert.Contains("hello.hostname", hostname.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("at most 253", hostname.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("\\u001b", escape.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", escape.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("\0", nul.Status.Detail, StringComparison.Ordinal);
        Assert.True(version.Status.Detail.Length < 400, $"a {version.Status.Detail.Length}-character message");
        Assert.Equal(2, delta.Delta.Revision);
        var rows = await Gateways(server);
        Assert.Equal(["edge-1", "fleet-1"], rows.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.True(rows.Single(r => r.Id == "edge-1").Connected);
        Assert.Equal((1L, 0L), (snapshotRevision, rows.Single(r => r.Id == "fleet-1").AppliedRevision));
        await revisionAbove.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_token_holds_at_most_its_cap_of_streams(string backend)
    {
        await using var server = await StartAsync(backend, o => o.MaxStreamsPerToken = 2);
        await using var one = await SyncClient.ConnectAsync(server.Channel(FleetSecret), "fleet-1", 0);
        await using var two = await SyncClient.ConnectAsync(server.Channel(FleetSecret), "fleet-2", 0);
        await one.NextSnapshotAsync();
        await two.NextSnapshotAsync();

        await using var three = await SyncClient.ConnectAsync(server.Channel(FleetSecret), "fleet-3", 0);
        var refused = await three.EndedWithin(TimeSpan.FromSeconds(10));
        await using var replacement = await SyncClient.ConnectAsync(server.Channel(FleetSecret), "fleet-2", 0);
        await replacement.NextSnapshotAsync();

        Assert.Equal(StatusCode.ResourceExhausted, refused?.StatusCode);
        Assert.Contains("max_streams_per_token", refused!.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, server.App.Services.GetRequiredService<Gateways.GatewayRegistry>().ConnectedCount);
    }

    private static async Task<RpcException> Refusal(ControlPlaneServer server, Hello hello, string token = EdgeOneSecret)
    {
        await using var client = await SyncClient.ConnectAsync(server.Channel(token), hello);
        return await client.EndedWithin(TimeSpan.FromSeconds(10)) ?? throw new InvalidOperationException("the hello was accepted");
    }

    private static async Task<IReadOnlyList<Gateway>> Gateways(ControlPlaneServer server) =>
        (await new GatewayService.GatewayServiceClient(server.Channel(TestTokens.Viewer)).ListGatewaysAsync(new ListGatewaysRequest())).Gateways;

    /// <summary>A server with the gateway tokens of these tests and one entry, so that a new gateway gets a snapshot of revision 1.</summary>
    private async Task<ControlPlaneServer> StartAsync(string backend, Action<ControlPlaneOptions>? configure = null)
    {
        var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, o =>
        {
            o.Tokens.Add(new TokenOptions { Name = "edge-1", Role = "gateway", Secret = EdgeOneSecret });
            o.Tokens.Add(new TokenOptions { Name = "edge-1-rotated", Role = "gateway", Secret = RotatedSecret, GatewayIds = ["edge-1"] });
            o.Tokens.Add(new TokenOptions { Name = "fleet", Role = "gateway", Secret = FleetSecret, GatewayIds = ["fleet-*"] });
            configure?.Invoke(o);
        });
        await new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor))
            .CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "192.0.2.1" } });
        return server;
    }
}
