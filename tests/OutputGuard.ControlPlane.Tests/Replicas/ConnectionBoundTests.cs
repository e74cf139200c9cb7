using Dapper;
using Grpc.Core;
using MySqlConnector;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Replicas;

/// <summary>
/// Two replicas with their default pools (32 connections each, together more than the server allows) take 200
/// creates at once without exhausting a MariaDB started with max_connections=40: writes queue in the process, not
/// on database connections, so every create succeeds and the server never nears its limit.
/// </summary>
public sealed class ConnectionBoundTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxConnections = 40;
    private PrivateMariaDb _mariadb = null!;
    private readonly List<ControlPlaneServer> _replicas = [];

    public async Task InitializeAsync()
    {
        _mariadb = await PrivateMariaDb.StartAsync($"--max-connections={MaxConnections}");
        var database = await _mariadb.CreateDatabaseAsync();
        for (var i = 0; i < 2; i++)
        {
            _replicas.Add(await ControlPlaneServer.StartAsync(o => PrivateMariaDb.Apply(o, database)));
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await _mariadb.DisposeAsync();
    }

    [Fact]
    public async Task Two_hundred_parallel_creates_over_two_replicas_all_succeed_within_max_connections()
    {
        var clients = _replicas.Select(r => new EntryService.EntryServiceClient(r.Channel(TestTokens.Editor))).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            try
            {
                await clients[i % 2].CreateEntryAsync(new CreateEntryRequest
                {
                    Entry = new Entry { Value = $"198.51.100.{i + 1}", Ports = { $"tcp/{1000 + i}" }, Note = $"burst {i}" },
                });
                return "OK";
            }
            catch (RpcException e)
            {
                return $"{e.StatusCode}: {e.Status.Detail}";
            }
        }));
        await using var connection = new MySqlConnection(_mariadb.ServerConnectionString);
        var peak = await connection.QuerySingleAsync<(string Name, long Value)>("SHOW GLOBAL STATUS LIKE 'Max_used_connections'");
        output.WriteLine($"peak connections on the server: {peak.Value} of {MaxConnections}");

        var failures = results.Where(r => r != "OK").GroupBy(r => r).Select(g => $"{g.Count()} x {g.Key}");
        Assert.True(results.All(r => r == "OK"), string.Join("; ", failures));
        Assert.True(peak.Value < MaxConnections, $"{peak.Value} connections at the peak");
        Assert.Equal(200, await _replicas[0].Store.GetRevisionAsync(CancellationToken.None));
    }
}
