using System.Globalization;
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

    public BenchProcesses(BenchLab lab) => _lab = lab;

    public int AgentPid => _agent!.Id;

    public EntryService.EntryServiceClient Entries => _controlPlane!.Entries;

    public async Task StartAsync()
    {
        _controlPlane = await LabControlPlane.StartAsync(_lab.RootAddress);
        (_agent, _) = await ChildProcess.StartAsync(
            new CommandLine("ip", [
                "netns", "exec", _lab.Gateway, "dotnet", Artifacts.GatewayDll, "--control-plane", _controlPlane.GrpcUri.ToString(),
                "--token", LabControlPlane.GatewayToken, "--gateway-id", _lab.Gateway,
                "--state-file", Path.Combine(_dir, "gateway-state"), "--treat-as-public", BenchLab.TreatAsPublic,
                "--metrics-address", $"{_lab.GatewayControlAddress}:9900"])
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
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var response = await Scraper.SendAsync(request, cts.Token);
        return await response.Content.ReadAsStringAsync(cts.Token);
    }

    /// <summary>The agent's resident memory in MiB.</summary>
    public double AgentRssMiB() => _agent!.ResidentKib() / 1024.0;

    public async ValueTask DisposeAsync()
    {
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
