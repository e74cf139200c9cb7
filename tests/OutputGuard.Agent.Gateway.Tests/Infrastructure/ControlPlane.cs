using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>
/// The real control-plane program as a child process, on SQLite in its own directory, gRPC on a fixed port of
/// <paramref name="address"/> so that it can be killed and started again where the gateway expects it.
/// </summary>
public sealed partial class ControlPlane : IAsyncDisposable
{
    public const string AdminToken = "admin-secret-0123456789";
    public const string GatewayToken = "gateway-secret-0123456789";

    private readonly string _dir;
    private readonly IPAddress _address;
    private Process? _process;
    private GrpcChannel? _channel;

    private ControlPlane(IPAddress address, string extraYaml)
    {
        _address = address;
        _dir = Directory.CreateTempSubdirectory("og-gw-cp-").FullName;
        using var probe = new TcpListener(address, 0);
        probe.Start();
        GrpcPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        File.WriteAllText(Path.Combine(_dir, "config.yaml"), $"""
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

    public int GrpcPort { get; }

    public Uri GrpcUri => new($"http://{_address}:{GrpcPort}");

    public static async Task<ControlPlane> StartAsync(IPAddress address, string extraYaml = "")
    {
        var cp = new ControlPlane(address, extraYaml);
        await cp.StartAgainAsync();
        return cp;
    }

    /// <summary>(Re)starts the process on the same port and data.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Shell.ArtifactPath("ControlPlaneDll"));
        info.ArgumentList.Add("--config");
        info.ArgumentList.Add(Path.Combine(_dir, "config.yaml"));
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OUTPUTGUARD_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new List<string>();
        var p = Process.Start(info)!;
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.Add(e.Data);
            }

            if (ReadyLine().IsMatch(e.Data))
            {
                ready.TrySetResult();
            }
        };
        p.OutputDataReceived += onLine;
        p.ErrorDataReceived += onLine;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _process = p;
        _ = p.WaitForExitAsync().ContinueWith(_ => ready.TrySetException(new InvalidOperationException("control plane exited: " + string.Join('\n', output))), TaskScheduler.Default);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public EntryService.EntryServiceClient Entries => new(Channel());

    public DesiredStateService.DesiredStateServiceClient DesiredState => new(Channel());

    public TrafficService.TrafficServiceClient Traffic => new(Channel());

    public GatewayService.GatewayServiceClient Gateways => new(Channel());

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

    public async Task<Entry> AllowAsync(string value, params string[] ports)
    {
        var entry = new Entry { Value = value };
        entry.Ports.AddRange(ports);
        return await Entries.CreateEntryAsync(new CreateEntryRequest { Entry = entry });
    }

    public async Task<ResolveEntryResponse> ResolveAsync(Entry entry) =>
        await Entries.ResolveEntryAsync(new ResolveEntryRequest { Name = entry.Name });

    /// <summary>UpdateEntry with update_mask=ports.</summary>
    public async Task<Entry> UpdatePortsAsync(Entry entry, params string[] ports)
    {
        var change = new Entry { Name = entry.Name };
        change.Ports.AddRange(ports);
        return await Entries.UpdateEntryAsync(new UpdateEntryRequest { Entry = change, UpdateMask = Google.Protobuf.WellKnownTypes.FieldMask.FromString("ports") });
    }

    public async Task DeleteAsync(Entry entry) => await Entries.DeleteEntryAsync(new DeleteEntryRequest { Name = entry.Name });

    public async Task<long> RevisionAsync() => (await DesiredState.GetDesiredStateAsync(new GetDesiredStateRequest())).Revision;

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

    [GeneratedRegex(@"ready; http (\S+) grpc (\S+)")]
    private static partial Regex ReadyLine();
}
