using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using MySqlConnector;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Errors;

/// <summary>
/// A store that goes away — a MariaDB of the test's own that it stops, or whose connections it exhausts — makes
/// calls answer UNAVAILABLE (HTTP 503) with a message that says what is down, never UNKNOWN "Exception was thrown
/// by handler"; when the database is back, the same control plane serves again.
/// </summary>
public sealed class StoreOutageTests : IAsyncLifetime
{
    private const int MaxConnections = 30;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);
    private PrivateMariaDb _mariadb = null!;
    private ControlPlaneServer _server = null!;

    public async Task InitializeAsync()
    {
        _mariadb = await PrivateMariaDb.StartAsync($"--max-connections={MaxConnections}");
        var database = await _mariadb.CreateDatabaseAsync();
        _server = await ControlPlaneServer.StartAsync(o =>
        {
            PrivateMariaDb.Apply(o, database);
            o.DbPoolSize = 100;
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _mariadb.DisposeAsync();
    }

    [Fact]
    public async Task Stopped_database_answers_unavailable_over_grpc_and_http_then_serves_again()
    {
        var entries = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Editor));
        using var http = _server.Http(TestTokens.Editor);
        var before = await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.90" } });

        await _mariadb.StopAsync();
        var create = await Assert.ThrowsAsync<RpcException>(() => entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.91" } }).ResponseAsync);
        var list = await Assert.ThrowsAsync<RpcException>(() => entries.ListEntriesAsync(new ListEntriesRequest()).ResponseAsync);
        var get = await http.GetAsync($"/v1/{before.Name}");
        var body = await get.Content.ReadFromJsonAsync<JsonElement>();
        var health = await _server.Http(null).GetAsync("/healthz");
        var sync = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = new GatewaySync.GatewaySyncClient(_server.Channel(TestTokens.Gateway)).Sync();
            await call.RequestStream.WriteAsync(new GatewayMessage { Hello = new Hello { GatewayId = "gw-outage", Hostname = "h", Version = "v" } });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });

        Assert.Equal(StatusCode.Unavailable, create.StatusCode);
        Assert.Equal(StatusCode.Unavailable, list.StatusCode);
        Assert.Contains("database", create.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("nothing was changed, retry later", create.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception was thrown", list.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);
        Assert.Equal(14, body.GetProperty("code").GetInt32());
        Assert.Contains("database", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(StatusCode.Unavailable, sync.StatusCode);

        await _mariadb.ResumeAsync();
        var after = await Eventually.Until(
            async () =>
            {
                try
                {
                    return await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.91" } });
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
                {
                    return null;
                }
            },
            e => e is not null,
            Deadline,
            "a create succeeds once the database is back");

        var names = (await entries.ListEntriesAsync(new ListEntriesRequest())).Entries.Select(e => e.Value);
        Assert.Equal(["203.0.113.90", "203.0.113.91"], names);
        Assert.NotEqual(before.Name, after!.Name);
    }

    [Fact]
    public async Task Exhausted_database_connections_answer_unavailable_naming_the_limit_then_serve_again()
    {
        await new EntryService.EntryServiceClient(_server.Channel(TestTokens.Editor)).CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.92" } });
        var hogs = await OccupyEveryConnectionAsync();
        List<StatusCode> during;
        List<string> messages;
        try
        {
            var results = await ParallelListsAsync(40);
            during = results.Select(r => r.Code).ToList();
            messages = results.Where(r => r.Code != StatusCode.OK).Select(r => r.Message).ToList();
        }
        finally
        {
            foreach (var hog in hogs)
            {
                await hog.DisposeAsync();
            }
        }

        var afterwards = await Eventually.Until(() => ParallelListsAsync(40), r => r.All(x => x.Code == StatusCode.OK), Deadline, "every list succeeds again");

        Assert.All(during, c => Assert.Contains(c, new[] { StatusCode.OK, StatusCode.Unavailable }));
        Assert.Contains(StatusCode.Unavailable, during);
        Assert.All(messages, m => Assert.Contains("too many connections", m, StringComparison.Ordinal));
        Assert.Equal(40, afterwards.Count);
    }

    /// <summary>Opens unpooled connections until the server refuses one ("Too many connections"); returns them open.</summary>
    private async Task<List<MySqlConnection>> OccupyEveryConnectionAsync()
    {
        var hogs = new List<MySqlConnection>();
        var unpooled = new MySqlConnectionStringBuilder(_mariadb.ServerConnectionString) { Pooling = false }.ConnectionString;
        for (var i = 0; i < MaxConnections + 5; i++)
        {
            var connection = new MySqlConnection(unpooled);
            try
            {
                await connection.OpenAsync();
                hogs.Add(connection);
            }
            catch (MySqlException e) when (e.ErrorCode == MySqlErrorCode.ConnectionCountError)
            {
                await connection.DisposeAsync();
                return hogs;
            }
        }

        throw new InvalidOperationException($"the server accepted {hogs.Count} connections; max_connections is not in force");
    }

    private async Task<List<(StatusCode Code, string Message)>> ParallelListsAsync(int count)
    {
        var channels = Enumerable.Range(0, 4).Select(_ => new EntryService.EntryServiceClient(_server.Channel(TestTokens.Viewer))).ToList();
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            try
            {
                await channels[i % channels.Count].ListEntriesAsync(new ListEntriesRequest { Filter = "kind=ip" });
                return (StatusCode.OK, string.Empty);
            }
            catch (RpcException e)
            {
                return (e.StatusCode, e.Status.Detail);
            }
        });
        return [.. await Task.WhenAll(calls)];
    }
}
