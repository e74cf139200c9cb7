using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.ControlPlane.Tests.Resolver;

namespace OutputGuard.ControlPlane.Tests.Replicas;

/// <summary>
/// The resolver on a private MariaDB (started with .ci/mariadb.sh in a temp directory) that the test
/// stops and starts again on the same port and data: the resolver loop backs off and resumes.
/// </summary>
public sealed class DatabaseRestartTests : IAsyncLifetime
{
    private PrivateMariaDb _mariadb = null!;
    private Dnsmasq _dns = null!;
    private ResolverServer? _server;

    public async Task InitializeAsync()
    {
        _mariadb = await PrivateMariaDb.StartAsync();
        _dns = await Dnsmasq.StartAsync([("r", "203.0.113.80")]);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _dns.DisposeAsync();
        await _mariadb.DisposeAsync();
    }

    [Fact]
    public async Task Resolver_keeps_running_after_the_database_was_stopped_and_started_again()
    {
        var database = await _mariadb.CreateDatabaseAsync();
        _server = await ResolverServer.StartAsync([_dns.NameServer], configure: o =>
        {
            PrivateMariaDb.Apply(o, database);
            o.ResolverIntervalSeconds = 2;
            o.ResolverTtlFloorSeconds = 1;
            o.ResolverLeaseSeconds = 3;
        });
        var name = await _server.AllowAsync(_dns.Name("r"));
        await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 1, TimeSpan.FromSeconds(15), "r resolved");

        await _mariadb.StopAsync();
        await Eventually.True(() => Task.FromResult(!_server.Resolver.IsLeading), TimeSpan.FromSeconds(20), "the resolver noticed the database is gone");
        await _dns.SetRecordsAsync([("r", "203.0.113.80"), ("r", "203.0.113.81")]);
        await _mariadb.ResumeAsync();
        var addresses = await Eventually.Until(
            async () =>
            {
                try
                {
                    return await _server.AddressesAsync(name);
                }
                catch (Grpc.Core.RpcException)
                {
                    return [];
                }
            },
            a => a.Count == 2,
            TimeSpan.FromSeconds(60),
            "the resolver resolved again after the restart");

        Assert.Equal(["203.0.113.80 Live", "203.0.113.81 Live"], addresses);
        Assert.True(_server.Resolver.IsLeading);
        Assert.Contains("203.0.113.81/32", await _server.DesiredPrefixesAsync());
    }
}
