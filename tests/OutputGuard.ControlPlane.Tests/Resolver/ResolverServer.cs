using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Hosting;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>
/// The real control plane in this process, like <see cref="ControlPlaneServer"/>, but with a clock of
/// the test's choosing (a <see cref="Store.ManualTimeProvider"/> where the test would otherwise wait an
/// hour) and the resolver asking the test's name servers. SQLite in a temp directory unless a MySQL
/// configuration is applied.
/// </summary>
public sealed class ResolverServer : IAsyncDisposable
{
    private readonly List<GrpcChannel> _channels = [];
    private readonly string _dataDir;

    private ResolverServer(WebApplication app, string dataDir)
    {
        App = app;
        _dataDir = dataDir;
        GrpcUri = app.Services.GetRequiredService<Listeners>().GrpcUri;
        HttpUri = app.Services.GetRequiredService<Listeners>().HttpUri;
        var editor = Channel(TestTokens.Editor);
        Entries = new EntryService.EntryServiceClient(editor);
        State = new DesiredStateService.DesiredStateServiceClient(editor);
    }

    public WebApplication App { get; }

    public Uri GrpcUri { get; }

    public Uri HttpUri { get; }

    public EntryService.EntryServiceClient Entries { get; }

    public DesiredStateService.DesiredStateServiceClient State { get; }

    public IControlPlaneStore Store => App.Services.GetRequiredService<IControlPlaneStore>();

    public DomainResolver Resolver => App.Services.GetRequiredService<DomainResolver>();

    /// <summary>Starts a server whose resolver asks <paramref name="nameServers"/>.</summary>
    public static async Task<ResolverServer> StartAsync(IEnumerable<string> nameServers, TimeProvider? time = null, Action<ControlPlaneOptions>? configure = null)
    {
        var dataDir = Directory.CreateTempSubdirectory("og-resolver-").FullName;
        var options = new ControlPlaneOptions
        {
            HttpAddress = "127.0.0.1:0",
            GrpcAddress = "127.0.0.1:0",
            DataDir = dataDir,
            Tokens = TestTokens.All(),
            TreatAsPublic = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"],
            ChangePollIntervalMs = 100,
            ResolverNameServers = nameServers.ToList(),
            ResolverTimeoutMs = 500,
        };
        configure?.Invoke(options);
        ControlPlaneConfiguration.Validate(options);
        var (app, _) = await ControlPlaneHost.BuildAsync(options, time, b => b.Logging.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        return new ResolverServer(app, dataDir);
    }

    /// <summary>A gRPC channel that sends <paramref name="token"/> with every call.</summary>
    public GrpcChannel Channel(string token)
    {
        var credentials = CallCredentials.FromInterceptor((_, metadata) =>
        {
            metadata.Add("authorization", $"Bearer {token}");
            return Task.CompletedTask;
        });
        var channel = GrpcChannel.ForAddress(GrpcUri, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, credentials),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        _channels.Add(channel);
        return channel;
    }

    /// <summary>Creates a domain entry and returns its name.</summary>
    public async Task<string> AllowAsync(string value, params string[] ports)
    {
        var request = new CreateEntryRequest { Entry = new Entry { Value = value } };
        request.Entry.Ports.AddRange(ports);
        return (await Entries.CreateEntryAsync(request)).Name;
    }

    /// <summary>The entry as the API shows it.</summary>
    public async Task<Entry> GetAsync(string name) => await Entries.GetEntryAsync(new GetEntryRequest { Name = name });

    /// <summary>The entry's resolved addresses as "address state" strings, ordered.</summary>
    public async Task<List<string>> AddressesAsync(string name) =>
        (await GetAsync(name)).ResolvedAddresses.Select(a => $"{a.Address} {a.State}").Order(StringComparer.Ordinal).ToList();

    /// <summary>The prefixes in the desired state.</summary>
    public async Task<List<string>> DesiredPrefixesAsync() =>
        (await State.GetDesiredStateAsync(new GetDesiredStateRequest())).Destinations.Select(d => d.Prefix).Order(StringComparer.Ordinal).ToList();

    /// <summary>ResolveEntry.</summary>
    public async Task<ResolveEntryResponse> ResolveAsync(string name) =>
        await Entries.ResolveEntryAsync(new ResolveEntryRequest { Name = name });

    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        await App.StopAsync();
        await App.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }
}
