using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Store.MySql;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Replicas;

/// <summary>
/// Two real control-plane processes on one real MariaDB database: changes made through one reach
/// gateways of the other, one resolver runs at a time and another takes over when it dies, and
/// concurrent writers keep revisions gap-free.
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string LeadingLine = "resolver: leading";
    private readonly MariaDbDatabase _mysql = new();
    private readonly List<GrpcChannel> _channels = [];
    private string _directory = null!;
    private Dnsmasq _dns = null!;
    private ControlPlaneProcess _a = null!;
    private ControlPlaneProcess _b = null!;

    public async Task InitializeAsync()
    {
        await _mysql.InitializeAsync();
        _directory = Directory.CreateTempSubdirectory("og-replicas-").FullName;
        _dns = await Dnsmasq.StartAsync([("k", "203.0.113.70")]);
        var startA = ControlPlaneProcess.StartAsync("--config", ReplicaConfig.Write(_directory, "a", _mysql.ConnectionString, _dns.NameServer));
        var startB = ControlPlaneProcess.StartAsync("--config", ReplicaConfig.Write(_directory, "b", _mysql.ConnectionString, _dns.NameServer));
        _a = await startA;
        _b = await startB;
    }

    public async Task DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        await _dns.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
        await _mysql.DisposeAsync();
    }

    [Fact]
    public async Task Entry_added_through_one_replica_reaches_a_stream_client_of_the_other_within_a_second()
    {
        var revision = await Store().GetRevisionAsync(CancellationToken.None);
        await using var gateway = await SyncClient.ConnectAsync(Channel(_b, TestTokens.Gateway), "gw-on-b", appliedRevision: revision, storeId: await Store().GetStoreIdAsync(CancellationToken.None));
        await Eventually.True(async () => (await Gateways(_b).ListGatewaysAsync(new ListGatewaysRequest())).Gateways.Any(g => g.Connected), TimeSpan.FromSeconds(10), "gateway connected to B");

        var a = Entries(_a);
        await a.ListEntriesAsync(new ListEntriesRequest { PageSize = 1 });

        var clock = Stopwatch.StartNew();
        await a.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "198.51.100.77" } });
        var message = await gateway.NextAsync(TimeSpan.FromSeconds(1));
        output.WriteLine($"entry created through A to delta on B's stream: {clock.ElapsedMilliseconds} ms");

        Assert.Equal(revision + 1, message.Delta.Revision);
        Assert.Equal("198.51.100.77/32", Assert.Single(message.Delta.Add).Prefix);
    }

    [Fact]
    public async Task Killing_the_resolver_lock_holder_lets_the_other_replica_resolve()
    {
        var holder = await Eventually.Until(
            () => Task.FromResult(_a.Output.Contains(LeadingLine, StringComparison.Ordinal) ? _a : _b.Output.Contains(LeadingLine, StringComparison.Ordinal) ? _b : null),
            p => p is not null,
            TimeSpan.FromSeconds(15),
            "one replica leads the resolver");
        var other = holder == _a ? _b : _a;
        var name = (await Entries(other).CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = _dns.Name("k") } })).Name;
        await Eventually.True(async () => (await Entries(other).GetEntryAsync(new GetEntryRequest { Name = name })).ResolvedAddresses.Count == 1, TimeSpan.FromSeconds(10), "k resolved by the holder");
        var onlyOneLeads = !other.Output.Contains(LeadingLine, StringComparison.Ordinal);

        await holder!.KillAsync();
        var clock = Stopwatch.StartNew();
        await _dns.SetRecordsAsync([("k", "203.0.113.70"), ("k", "203.0.113.71")]);
        var entry = await Eventually.Until(
            () => Entries(other).GetEntryAsync(new GetEntryRequest { Name = name }).ResponseAsync,
            e => e.ResolvedAddresses.Count == 2,
            TimeSpan.FromSeconds(15),
            "the other replica resolved the new address");
        output.WriteLine($"lock holder killed to the new address resolved by the other replica: {clock.ElapsedMilliseconds} ms (lease 3 s)");

        Assert.True(onlyOneLeads);
        Assert.Contains(LeadingLine, other.Output, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.70", "203.0.113.71"], entry.ResolvedAddresses.Select(a => a.Address));
    }

    [Fact]
    public async Task Concurrent_adds_through_both_replicas_give_gap_free_revisions()
    {
        const int perReplica = 40;
        var throughA = Enumerable.Range(1, perReplica).Select(i => Allow(_a, $"203.0.113.{i}"));
        var throughB = Enumerable.Range(1, perReplica).Select(i => Allow(_b, $"198.51.100.{i}"));

        await Task.WhenAll(throughA.Concat(throughB));
        var store = Store();
        var changes = await store.GetChangesAsync(0, 10_000, CancellationToken.None);

        Assert.NotNull(changes);
        Assert.Equal(Enumerable.Range(1, 2 * perReplica).Select(i => (long)i), changes.Select(c => c.Revision));
        Assert.All(changes, c => Assert.Single(c.Added));
        Assert.Equal(2 * perReplica, changes.SelectMany(c => c.Added).Distinct().Count());
        Assert.Equal(2 * perReplica, await store.GetRevisionAsync(CancellationToken.None));
    }

    private async Task Allow(ControlPlaneProcess replica, string value) =>
        await Entries(replica).CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value } });

    private MySqlControlPlaneStore Store() => new(_mysql.ConnectionString, TimeProvider.System);

    private EntryService.EntryServiceClient Entries(ControlPlaneProcess replica) => new(Channel(replica, TestTokens.Editor));

    private GatewayService.GatewayServiceClient Gateways(ControlPlaneProcess replica) => new(Channel(replica, TestTokens.Editor));

    private GrpcChannel Channel(ControlPlaneProcess replica, string token)
    {
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        var channel = GrpcChannel.ForAddress(replica.GrpcUri, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        _channels.Add(channel);
        return channel;
    }
}
