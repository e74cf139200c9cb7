using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using Destination = OutputGuard.Addressing.Destination;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>
/// SIGKILL of the real control-plane process in the middle of a burst of adds: after a restart every
/// acknowledged add is there, and the revision, change log, desired state and audit log agree.
/// </summary>
public sealed class CrashConsistencyTests : IAsyncLifetime
{
    private readonly MariaDbDatabase _mariaDb = new();
    private string _dir = null!;

    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("og-crash-").FullName;
        await _mariaDb.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _mariaDb.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public Task Kill_during_a_burst_of_adds_loses_no_acknowledged_add_on_sqlite() =>
        KillDuringBurst(mysql: false);

    [Fact]
    public Task Kill_during_a_burst_of_adds_loses_no_acknowledged_add_on_mariadb() =>
        KillDuringBurst(mysql: true);

    private async Task KillDuringBurst(bool mysql)
    {
        var config = WriteConfig(mysql);
        var acknowledged = new ConcurrentBag<string>();
        await using (var first = await ControlPlaneProcess.StartAsync("--config", config))
        {
            using var channel = Channel(first.GrpcUri);
            var client = new EntryService.EntryServiceClient(channel);
            using var burst = new CancellationTokenSource();
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
            {
                for (var i = 0; !burst.IsCancellationRequested; i++)
                {
                    var value = string.Create(CultureInfo.InvariantCulture, $"2001:db8:{w:x}::{i + 1:x}");
                    try
                    {
                        await client.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value, Ports = { "tcp/443" } } });
                        acknowledged.Add(System.Net.IPAddress.Parse(value).ToString());
                    }
                    catch (RpcException)
                    {
                        return;
                    }
                }
            })).ToList();

            await Eventually.True(() => Task.FromResult(acknowledged.Count >= 200), TimeSpan.FromSeconds(60), "200 acknowledged adds");
            await first.KillAsync();
            await burst.CancelAsync();
            await Task.WhenAll(workers);
        }

        List<string> listed;
        await using (var second = await ControlPlaneProcess.StartAsync("--config", config))
        {
            using var channel = Channel(second.GrpcUri);
            listed = await ListAll(new EntryService.EntryServiceClient(channel));
        }

        var store = await StoreFactory.CreateMigratedAsync(
            new StoreOptions { DataDirectory = Path.Combine(_dir, "data"), MySqlConnectionString = mysql ? _mariaDb.ConnectionString : null },
            CancellationToken.None);
        var state = await store.GetDesiredStateAsync(CancellationToken.None);
        var log = await store.GetChangesAsync(0, int.MaxValue, CancellationToken.None);
        var audit = await store.ListAuditEventsAsync(new ControlPlane.Audit.AuditFilter(), 0, 100_000, CancellationToken.None);

        Assert.Empty(acknowledged.Except(listed));
        Assert.NotNull(log);
        Assert.Equal(Enumerable.Range(1, listed.Count).Select(i => (long)i), log.Select(c => c.Revision));
        Assert.Equal(listed.Count, state.Revision);
        var replayed = new SortedSet<Destination>();
        foreach (var change in log)
        {
            replayed.UnionWith(change.Added);
            replayed.ExceptWith(change.Removed);
        }

        var expected = listed.Select(v => Destination.Parse($"{System.Net.IPAddress.Parse(v)}/128 tcp/443")).Order().ToList();
        Assert.Equal(expected, state.Destinations);
        Assert.Equal(expected, replayed);
        Assert.Equal(listed.Count, audit.Count(a => a.Action == "entry.create"));
    }

    private string WriteConfig(bool mysql)
    {
        var path = Path.Combine(_dir, mysql ? "mysql.yaml" : "sqlite.yaml");
        var db = string.Empty;
        if (mysql)
        {
            var b = new MySqlConnector.MySqlConnectionStringBuilder(_mariaDb.ConnectionString);
            db = $"""
                db_server: "{b.Server}"
                db_port: {b.Port}
                db_user: "{b.UserID}"
                db_password: "{b.Password}"
                db_name: "{b.Database}"

                """;
        }

        File.WriteAllText(path, $"""
            {db}data_dir: "{Path.Combine(_dir, "data")}"
            http_address: "127.0.0.1:0"
            grpc_address: "127.0.0.1:0"
            treat_as_public: ["2001:db8::/32"]
            tokens:
              - {"{"} name: burst, role: editor, secret: "{TestTokens.Editor}" {"}"}
            """);
        return path;
    }

    private static GrpcChannel Channel(Uri uri) => GrpcChannel.ForAddress(uri, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, m) =>
        {
            m.Add("authorization", $"Bearer {TestTokens.Editor}");
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });

    private static async Task<List<string>> ListAll(EntryService.EntryServiceClient client)
    {
        var values = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await client.ListEntriesAsync(new ListEntriesRequest { PageSize = 1000, PageToken = token });
            values.AddRange(page.Entries.Select(e => e.Value));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        return values;
    }
}
