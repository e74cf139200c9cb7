using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using OutputGuard.ControlPlane.Api;
using OutputGuard.ControlPlane.Gateways;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.Testing;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Sync;

/// <summary>
/// Many gateways on one control plane (issue 18): one change reaches every stream as the same revision, a reconnect
/// storm ends with every stream at the current revision and none refused, and a batch larger than the old cap of
/// 1,000 is one revision that a stream receives as one delta. Each on SQLite and on MariaDB. Speed is in bench/.
/// </summary>
public sealed class FleetTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>
{
    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    private static Action<Configuration.ControlPlaneOptions> Fleet => o => o.MaxStreamsPerToken = 200;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task One_change_reaches_each_of_50_streams_as_the_same_delta(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, Fleet);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.50" } });
        var streams = await ConnectAsync(server, "gw-fan-", 50, appliedRevision: 0, storeId: string.Empty);
        try
        {
            foreach (var stream in streams)
            {
                Assert.Equal(1, (await stream.NextSnapshotAsync()).Revision);
            }

            await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.51" } });
            var deltas = await Task.WhenAll(streams.Select(s => s.NextAsync(TimeSpan.FromSeconds(30))));

            Assert.All(deltas, d => Assert.Equal((2L, "203.0.113.51/32"), (d.Delta.Revision, Assert.Single(d.Delta.Add).Prefix)));
            Assert.All(streams, s => Assert.False(s.HasEnded));
        }
        finally
        {
            await DisposeAllAsync(streams);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_reconnect_storm_of_100_streams_ends_with_every_stream_at_the_current_revision(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb, Fleet);
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.60" } });
        var storeId = await server.Store.GetStoreIdAsync(CancellationToken.None);
        var registry = server.App.Services.GetRequiredService<GatewayRegistry>();
        var first = await ConnectAsync(server, "gw-storm-", 100, appliedRevision: 1, storeId);
        await Eventually.True(() => registry.ConnectedCount == 100, TimeSpan.FromSeconds(60), "100 streams registered");

        // Every stream cut at once, a change while they are away, all back at once with Hello at revision 1.
        await DisposeAllAsync(first);
        await Eventually.True(() => registry.ConnectedCount == 0, TimeSpan.FromSeconds(60), "the cut streams unregistered");
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.61" } });
        var again = await ConnectAsync(server, "gw-storm-", 100, appliedRevision: 1, storeId);
        try
        {
            var deltas = await Task.WhenAll(again.Select(s => s.NextAsync(TimeSpan.FromSeconds(60))));

            Assert.All(deltas, d => Assert.Equal((2L, "203.0.113.61/32"), (d.Delta.Revision, Assert.Single(d.Delta.Add).Prefix)));
            Assert.All(again, s => Assert.False(s.HasEnded));
            Assert.Equal(100, registry.ConnectedCount);
            var listed = await new GatewayService.GatewayServiceClient(server.Channel(TestTokens.Viewer)).ListGatewaysAsync(new ListGatewaysRequest());
            Assert.Equal(100, listed.Gateways.Count(g => g.Connected && g.Id.StartsWith("gw-storm-", StringComparison.Ordinal)));
        }
        finally
        {
            await DisposeAllAsync(again);
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_batch_larger_than_the_old_cap_is_one_revision_that_a_stream_receives_as_one_delta(string backend)
    {
        await using var server = await ControlPlaneServer.StartOnAsync(backend, mariaDb);
        var storeId = await server.Store.GetStoreIdAsync(CancellationToken.None);
        await using var stream = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-bulk", 0, storeId: storeId);
        var request = new BatchCreateEntriesRequest { AllOrNothing = true };
        request.Entries.Add(Enumerable.Range(0, 5000).Select(i => new Entry { Value = FormattableString.Invariant($"2001:db8:18:{i / 256:x}::{i % 256:x}") }));
        request.Entries.Add(new Entry { Value = "bulk.example.com" });

        var response = await new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor)).BatchCreateEntriesAsync(request);
        var delta = (await stream.NextAsync(TimeSpan.FromSeconds(60))).Delta;

        Assert.Equal(1, response.Revision);
        Assert.All(response.Results, r => Assert.True(r.Created));
        Assert.Equal(5001, (await server.Store.ListEntriesAsync(new global::OutputGuard.ControlPlane.Entries.EntryFilter(), 0, 6000, default)).Count);
        Assert.Equal((1L, 5000), (delta.Revision, delta.Add.Count));
        Assert.Equal(5000, delta.Add.Select(d => d.Prefix).Distinct(StringComparer.Ordinal).Count());
        await Assert.ThrowsAsync<TimeoutException>(() => stream.NextAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_request_over_its_byte_limit_is_refused_naming_the_limit_before_it_is_read()
    {
        await using var server = await ControlPlaneServer.StartAsync();
        var entries = new EntryService.EntryServiceClient(server.Channel(TestTokens.Editor));
        var batch = new BatchCreateEntriesRequest();
        batch.Entries.Add(Enumerable.Range(0, 6500).Select(_ => new Entry { Value = "203.0.113.70", Note = new string('n', 4096) }));
        var single = new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.71", Ports = { Enumerable.Repeat("tcp/443", 600_000) } } };

        var big = await Assert.ThrowsAsync<RpcException>(() => entries.BatchCreateEntriesAsync(batch).ResponseAsync);
        var one = await Assert.ThrowsAsync<RpcException>(() => entries.CreateEntryAsync(single).ResponseAsync);

        Assert.True(batch.CalculateSize() > InputLimits.MaxBatchBytes);
        Assert.Equal(StatusCode.InvalidArgument, big.StatusCode);
        Assert.Equal(
            $"the request message is {batch.CalculateSize()} bytes; BatchCreateEntries accepts at most {InputLimits.MaxBatchBytes} bytes (and {InputLimits.MaxBatchEntries} entries): split the batch",
            big.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, one.StatusCode);
        Assert.Equal($"the request message is {single.CalculateSize()} bytes; CreateEntry accepts at most {InputLimits.MaxRequestBytes} bytes", one.Status.Detail);
        Assert.Equal(0, await server.Store.GetRevisionAsync(default));
    }

    private static async Task<List<SyncClient>> ConnectAsync(ControlPlaneServer server, string prefix, int count, long appliedRevision, string storeId)
    {
        // One connection per gateway, as a fleet has; all Hellos at once.
        return (await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), FormattableString.Invariant($"{prefix}{i}"), appliedRevision, storeId: storeId)))).ToList();
    }

    private static async Task DisposeAllAsync(List<SyncClient> streams)
    {
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
    }
}
