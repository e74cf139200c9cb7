using System.Globalization;
using System.Text.RegularExpressions;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>The real gateway agent as a process inside the lab's gateway namespace; metrics reached over the root link.</summary>
public sealed partial class GatewayAgent : IAsyncDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero }) { Timeout = TimeSpan.FromSeconds(5) };
    private readonly ChildProcess _process;
    private readonly Lab _lab;

    private GatewayAgent(Lab lab, ChildProcess process)
    {
        _lab = lab;
        _process = process;
    }

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    public Uri MetricsUri => new($"http://{_lab.GatewayControlAddress}:9900/metrics");

    /// <summary>Starts the agent and waits until it enforces (its ready line).</summary>
    public static async Task<GatewayAgent> StartAsync(Lab lab, Uri controlPlane, string stateFile, params string[] extra)
    {
        ArgumentNullException.ThrowIfNull(lab);
        // A single-value flag may be given once: a test's own --token replaces the lab's.
        string[] token = extra.Contains("--token") ? [] : ["--token", LabControlPlane.GatewayToken];
        var command = new CommandLine("ip",
        [
            "netns", "exec", lab.Gateway, "dotnet", Artifacts.GatewayDll,
            "--control-plane", controlPlane.ToString(), .. token,
            "--state-file", stateFile, "--treat-as-public", Lab.TreatAsPublic,
            "--metrics-address", "0.0.0.0:9900", "--hostname", "gw-test", "--gateway-id", lab.Gateway,
            "--counters-interval-ms", "0", "--report-interval-ms", "300", .. extra,
        ]);
        var (process, _) = await ChildProcess.StartAsync(command, line => line.StartsWith("ready;", StringComparison.Ordinal));
        return new GatewayAgent(lab, process);
    }

    /// <summary>What <c>/healthz</c> answers (any status), or the error when it cannot be reached.</summary>
    public async Task<string> HealthAsync()
    {
        try
        {
            using var response = await Http.GetAsync(new Uri($"http://{_lab.GatewayControlAddress}:9900/healthz"));
            return await response.Content.ReadAsStringAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return ex.Message;
        }
    }

    /// <summary>The metrics page as Prometheus text.</summary>
    public async Task<string> MetricsAsync() => await Http.GetStringAsync(MetricsUri);

    /// <summary>The value of one series (labels given as k="v" pairs), or null when absent.</summary>
    public async Task<double?> MetricAsync(string name, params string[] labels)
    {
        string text;
        try
        {
            text = await MetricsAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }

        return Value(text, name, labels);
    }

    public static double? Value(string text, string name, params string[] labels)
    {
        foreach (var line in text.Split('\n'))
        {
            var m = Series().Match(line);
            if (m.Success && m.Groups[1].Value == name && labels.All(l => m.Groups[2].Value.Contains(l, StringComparison.Ordinal)))
            {
                return double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>Waits until the agent applied at least <paramref name="revision"/>.</summary>
    public Task WaitForRevisionAsync(long revision) => Eventually.True(
        async () => await MetricAsync("outputguard_applied_revision") >= revision, TimeSpan.FromSeconds(20), $"revision {revision} applied");

    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM and wait for a clean exit.</summary>
    public Task<int> StopAsync() => _process.StopAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex(@"^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)")]
    private static partial Regex Series();
}
