using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Hosting;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A real control plane in this process: real Kestrel on free loopback ports, the real store
/// (SQLite in a temp directory, or a MariaDB database), every token role configured.
/// </summary>
public sealed class ControlPlaneServer : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels = [];
    private readonly string? _dataDir;

    private ControlPlaneServer(WebApplication app, ControlPlaneOptions options, string? dataDir)
    {
        App = app;
        Options = options;
        _dataDir = dataDir;
        var listeners = app.Services.GetRequiredService<Listeners>();
        GrpcUri = listeners.GrpcUri;
        HttpUri = listeners.HttpUri;
    }

    public WebApplication App { get; }

    public ControlPlaneOptions Options { get; }

    public Uri GrpcUri { get; }

    public Uri HttpUri { get; }

    public IControlPlaneStore Store => App.Services.GetRequiredService<IControlPlaneStore>();

    /// <summary>Starts a server on <paramref name="backend"/> ("sqlite", or "mariadb": a new database of <paramref name="mariaDb"/>).</summary>
    public static async Task<ControlPlaneServer> StartOnAsync(string backend, MariaDbDatabase mariaDb, Action<ControlPlaneOptions>? configure = null) =>
        backend switch
        {
            "sqlite" => await StartAsync(configure),
            "mariadb" => await StartAsync(configure, mysqlConnectionString: await mariaDb.CreateDatabaseAsync()),
            _ => throw new ArgumentOutOfRangeException(nameof(backend), backend, "sqlite or mariadb"),
        };

    /// <summary>Starts a server on SQLite (no <paramref name="mysql"/>) or on a MariaDB database.</summary>
    public static async Task<ControlPlaneServer> StartAsync(
        Action<ControlPlaneOptions>? configure = null, MariaDbDatabase? mysql = null, string? mysqlConnectionString = null)
    {
        string? dataDir = null;
        var options = new ControlPlaneOptions
        {
            HttpAddress = "127.0.0.1:0",
            GrpcAddress = "127.0.0.1:0",
            Tokens = TestTokens.All(),
            TreatAsPublic = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"],
            ChangePollIntervalMs = 100,
        };
        if (mysqlConnectionString is not null)
        {
            MariaDbOptions.ApplyTo(mysqlConnectionString, options);
        }
        else if (mysql is null)
        {
            dataDir = Directory.CreateTempSubdirectory("og-cp-").FullName;
            options.DataDir = dataDir;
        }
        else
        {
            mysql.ApplyTo(options);
        }

        configure?.Invoke(options);
        ControlPlaneConfiguration.Validate(options);
        var (app, _) = await ControlPlaneHost.BuildAsync(options, configure: b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new ControlPlaneServer(app, options, dataDir);
    }

    /// <summary>A gRPC channel that sends <paramref name="token"/> (none when null) with every call.</summary>
    public GrpcChannel Channel(string? token)
    {
        var channel = TestChannels.WithToken(GrpcUri, token);
        _channels.Add(channel);
        return channel;
    }

    /// <summary>An HTTP/1.1 client for the JSON API that sends <paramref name="token"/> (none when null).</summary>
    public HttpClient Http(string? token)
    {
        var client = new HttpClient { BaseAddress = HttpUri };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        if (_dataDir is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataDir, recursive: true);
        }
    }
}
