using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.V1;

namespace OutputGuard.Testing;

/// <summary>
/// The real control-plane program (<see cref="ControlPlaneProcess"/>) configured for the lab: SQLite in its own
/// directory, the documentation ranges public, an admin and a gateway token, gRPC on a fixed port of
/// <paramref name="address"/> so that it can be killed and started again where the gateway expects it.
/// </summary>
public sealed class LabControlPlane : IAsyncDisposable
{
    /// <summary>The admin token's secret.</summary>
    public const string AdminToken = "admin-secret-0123456789";

    /// <summary>The gateway token's secret; it may claim the gateway ids of the lab's gateway namespaces (<c>og-gg-*</c>).</summary>
    public const string GatewayToken = "gateway-secret-0123456789";

    private readonly string _dir;
    private readonly IPAddress _address;
    private ControlPlaneProcess? _process;
    private GrpcChannel? _channel;

    private LabControlPlane(IPAddress address, string extraYaml)
    {
        _address = address;
        _dir = Directory.CreateTempSubdirectory("og-gw-cp-").FullName;
        GrpcPort = FreePort.Tcp(address);
        File.WriteAllText(ConfigFile, $"""
            data_dir: {_dir}/data
            http_address: 127.0.0.1:0
            grpc_address: {address}:{GrpcPort}
            treat_as_public: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, "2001:db8::/32"]
            change_poll_interval_ms: 100
            tokens:
              - {"{"} name: admin, role: admin, secret: "{AdminToken}" {"}"}
              - {"{"} name: gw, role: gateway, secret: "{GatewayToken}", gateway_ids: ["og-gg-*"] {"}"}
            {extraYaml}
            """);
    }

    /// <summary>The gRPC port, the same across restarts.</summary>
    public int GrpcPort { get; }

    /// <summary>Where gateways and clients reach gRPC.</summary>
    public Uri GrpcUri => new($"http://{_address}:{GrpcPort}");

    /// <summary>The process now running; null while it is killed.</summary>
    public ControlPlaneProcess? Process => _process;

    /// <summary>The entry API, as the admin.</summary>
    public EntryService.EntryServiceClient Entries => new(Channel());

    /// <summary>The desired-state API, as the admin.</summary>
    public DesiredStateService.DesiredStateServiceClient DesiredState => new(Channel());

    /// <summary>The traffic API, as the admin.</summary>
    public TrafficService.TrafficServiceClient Traffic => new(Channel());

    /// <summary>The gateway registry, as the admin.</summary>
    public GatewayService.GatewayServiceClient Gateways => new(Channel());

    private string ConfigFile => Path.Combine(_dir, "config.yaml");

    /// <summary>Starts a control plane with gRPC on a free port of <paramref name="address"/> and <paramref name="extraYaml"/> added to its configuration.</summary>
    public static async Task<LabControlPlane> StartAsync(IPAddress address, string extraYaml = "")
    {
        var cp = new LabControlPlane(address, extraYaml);
        try
        {
            await cp.StartAgainAsync();
            return cp;
        }
        catch
        {
            await cp.DisposeAsync();
            throw;
        }
    }

    /// <summary>(Re)starts the process on the same port and data.</summary>
    public async Task StartAgainAsync() => _process = await ControlPlaneProcess.StartAsync("--config", ConfigFile);

    /// <summary>SIGKILL.</summary>
    public async Task KillAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>The store id, as a gateway learns it: from the snapshot a new gateway (<paramref name="probeId"/>, in the gateway token's scope) is sent.</summary>
    public async Task<string> StoreIdAsync(string probeId = "og-gg-store-id-probe")
    {
        using var channel = GrpcChannel.ForAddress(GrpcUri);
        var headers = new Metadata { { "authorization", $"Bearer {GatewayToken}" } };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var call = new GatewaySync.GatewaySyncClient(channel).Sync(headers, cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new GatewayMessage { Hello = new Hello { GatewayId = probeId, Hostname = "probe" } }, cts.Token);
        while (await call.ResponseStream.MoveNext(cts.Token))
        {
            if (call.ResponseStream.Current.Snapshot is { Last: true } snapshot)
            {
                return snapshot.StoreId;
            }
        }

        throw new InvalidOperationException("the stream ended without a snapshot");
    }

    /// <summary>CreateEntry of <paramref name="value"/> with <paramref name="ports"/>.</summary>
    public async Task<Entry> AllowAsync(string value, params string[] ports)
    {
        var entry = new Entry { Value = value };
        entry.Ports.AddRange(ports);
        return await Entries.CreateEntryAsync(new CreateEntryRequest { Entry = entry });
    }

    /// <summary>ResolveEntry: resolve a domain entry now.</summary>
    public async Task<ResolveEntryResponse> ResolveAsync(Entry entry) =>
        await Entries.ResolveEntryAsync(new ResolveEntryRequest { Name = entry.Name });

    /// <summary>UpdateEntry with update_mask=ports.</summary>
    public async Task<Entry> UpdatePortsAsync(Entry entry, params string[] ports)
    {
        var change = new Entry { Name = entry.Name };
        change.Ports.AddRange(ports);
        return await Entries.UpdateEntryAsync(new UpdateEntryRequest { Entry = change, UpdateMask = Google.Protobuf.WellKnownTypes.FieldMask.FromString("ports") });
    }

    /// <summary>DeleteEntry.</summary>
    public async Task DeleteAsync(Entry entry) => await Entries.DeleteEntryAsync(new DeleteEntryRequest { Name = entry.Name });

    /// <summary>The desired state's revision.</summary>
    public async Task<long> RevisionAsync() => (await DesiredState.GetDesiredStateAsync(new GetDesiredStateRequest())).Revision;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        await KillAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private GrpcChannel Channel() => _channel ??= GrpcChannel.ForAddress(GrpcUri, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, m) =>
        {
            m.Add("authorization", $"Bearer {AdminToken}");
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });
}
