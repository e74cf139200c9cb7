using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.V1;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// The real control plane (root namespace; the tests' <see cref="LabControlPlane"/>) and gateway agent (gateway
/// namespace) as child processes.
/// </summary>
internal sealed class BenchProcesses : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly HttpClient Scraper = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _dir = Directory.CreateTempSubdirectory("og-bench-gw-").FullName;
    private readonly BenchLab _lab;
    private LabControlPlane? _controlPlane;
    private ChildProcess? _agent;
    private GrpcChannel? _bulk;

    private readonly string[] _agentArgs;

    /// <summary>The processes of <paramref name="lab"/>; the agent started with <paramref name="agentArgs"/> added.</summary>
    public BenchProcesses(BenchLab lab, params string[] agentArgs) => (_lab, _agentArgs) = (lab, agentArgs);

    public int AgentPid => _agent!.Id;

    public EntryService.EntryServiceClient Entries => _controlPlane!.Entries;

    /// <summary>The entry API on a channel that takes a BatchCreateEntries answer of 100,000 results (about 9 MB).</summary>
    public EntryService.EntryServiceClient BulkEntries => new(_bulk ??= GrpcChannel.ForAddress(_controlPlane!.GrpcUri, new GrpcChannelOptions
    {
        MaxReceiveMessageSize = 64 * 1024 * 1024,
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, m) =>
        {
            m.Add("authorization", $"Bearer {LabControlPlane.AdminToken}");
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
    }));

    public async Task StartAsync()
    {
        _controlPlane = await LabControlPlane.StartAsync(_lab.RootAddress);
        await StartAgentAsync(Artifacts.GatewayDll);
    }

    /// <summary>
    /// Stops the agent (SIGTERM, it writes its state file) and starts <paramref name="gatewayDll"/> as a gateway that
    /// never ran here: no state file, no table, so it loads the control plane's whole snapshot.
    /// </summary>
    public async Task RestartFreshAsync(string gatewayDll)
    {
        await _agent!.StopAsync(TimeSpan.FromMinutes(2));
        await _agent.DisposeAsync();
        _agent = null;
        File.Delete(Path.Combine(_dir, "gateway-state"));
        BenchLab.Try("ip", "netns", "exec", _lab.Gateway, "nft", "delete", "table", "inet", OutputGuard.Agent.Gateway.Enforcement.TableLayout.TableName);
        await StartAgentAsync(gatewayDll);
    }

    /// <summary>The agent's peak resident memory so far in MiB (VmHWM).</summary>
    public double AgentPeakMiB() => Status("VmHWM:") / 1024.0;

    /// <summary>The size of the agent's state file in bytes (0 while there is none).</summary>
    public long StateFileBytes() => new FileInfo(Path.Combine(_dir, "gateway-state")) is { Exists: true } f ? f.Length : 0;

    private long Status(string field)
    {
        var line = File.ReadLines($"/proc/{_agent!.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private async Task StartAgentAsync(string gatewayDll)
    {
        (_agent, _) = await ChildProcess.StartAsync(
            new CommandLine("ip", [
                "netns", "exec", _lab.Gateway, "dotnet", gatewayDll, "--control-plane", _controlPlane!.GrpcUri.ToString(),
                "--token", LabControlPlane.GatewayToken, "--gateway-id", _lab.Gateway,
                "--state-file", Path.Combine(_dir, "gateway-state"), "--treat-as-public", BenchLab.TreatAsPublic,
                "--metrics-address", $"{_lab.GatewayControlAddress}:9900", .. _agentArgs])
            {
                WithoutOutputGuardVariables = true,
            },
            line => line.Contains("ready;", StringComparison.Ordinal));
    }

    /// <summary>The revision the agent has applied in the kernel (its /healthz).</summary>
    public async Task<long> AppliedRevisionAsync()
    {
        var text = await Http.GetStringAsync(new Uri($"http://{_lab.GatewayControlAddress}:9900/healthz"));
        return long.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture);
    }

    /// <summary>One scrape of the agent's metrics as Prometheus asks for them (OpenMetrics).</summary>
    public async Task<string> MetricsAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://{_lab.GatewayControlAddress}:9900/metrics"));
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text; version=1.0.0");
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        using var response = await Scraper.SendAsync(request, cts.Token);
        return await response.Content.ReadAsStringAsync(cts.Token);
    }

    /// <summary>The agent's resident memory in MiB.</summary>
    public double AgentRssMiB() => Status("VmRSS:") / 1024.0;

    public async ValueTask DisposeAsync()
    {
        _bulk?.Dispose();
        if (_agent is not null)
        {
            await _agent.DisposeAsync();
        }

        if (_controlPlane is not null)
        {
            await _controlPlane.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }
}
