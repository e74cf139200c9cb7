using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using OutputGuard.V1;

namespace OutputGuard.Bench.Gateway;

/// <summary>The real control plane (root namespace) and gateway agent (gateway namespace) as child processes.</summary>
internal sealed class BenchProcesses : IAsyncDisposable
{
    public const string AdminToken = "admin-secret-0123456789";
    public const string GatewayToken = "gateway-secret-0123456789";
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private static readonly HttpClient Scraper = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly string _dir = Directory.CreateTempSubdirectory("og-bench-gw-").FullName;
    private readonly BenchLab _lab;
    private Process? _controlPlane;
    private Process? _agent;
    private GrpcChannel? _channel;

    public BenchProcesses(BenchLab lab) => _lab = lab;

    public int AgentPid => _agent!.Id;

    public EntryService.EntryServiceClient Entries => new(_channel!);

    public async Task StartAsync()
    {
        using var probe = new TcpListener(_lab.RootAddress, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        File.WriteAllText(Path.Combine(_dir, "config.yaml"), $"""
            data_dir: {_dir}/data
            http_address: 127.0.0.1:0
            grpc_address: {_lab.RootAddress}:{port}
            treat_as_public: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, "2001:db8::/32"]
            tokens:
              - {"{"} name: admin, role: admin, secret: "{AdminToken}" {"}"}
              - {"{"} name: gw, role: gateway, secret: "{GatewayToken}", gateway_ids: ["*"] {"}"}
            """);
        _controlPlane = await StartAsync("dotnet", [Dll("ControlPlaneDll"), "--config", Path.Combine(_dir, "config.yaml")], "ready; http");
        var uri = new Uri($"http://{_lab.RootAddress}:{port}");
        _channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, m) =>
            {
                m.Add("authorization", $"Bearer {AdminToken}");
                return Task.CompletedTask;
            })),
            UnsafeUseInsecureChannelCallCredentials = true,
        });
        _agent = await StartAsync("ip", [
            "netns", "exec", _lab.Gateway, "dotnet", Dll("GatewayDll"), "--control-plane", uri.ToString(), "--token", GatewayToken,
            "--state-file", Path.Combine(_dir, "gateway-state"), "--treat-as-public", BenchLab.TreatAsPublic,
            "--metrics-address", $"{_lab.GatewayControlAddress}:9900"], "ready;");
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
    public double AgentRssMiB()
    {
        var line = File.ReadLines($"/proc/{AgentPid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        foreach (var p in new[] { _agent, _controlPlane })
        {
            if (p is { HasExited: false })
            {
                p.Kill();
                await p.WaitForExitAsync();
            }

            p?.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private static string Dll(string key) =>
        typeof(BenchProcesses).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static async Task<Process> StartAsync(string file, string[] args, string readyPrefix)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OUTPUTGUARD_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tail = new Queue<string>();
        var p = Process.Start(info)!;
        DataReceivedEventHandler onLine = (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (tail)
            {
                tail.Enqueue(e.Data);
                if (tail.Count > 20)
                {
                    tail.Dequeue();
                }
            }

            if (e.Data.Contains(readyPrefix, StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        };
        p.OutputDataReceived += onLine;
        p.ErrorDataReceived += onLine;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _ = p.WaitForExitAsync().ContinueWith(_ => ready.TrySetException(new InvalidOperationException($"{file} exited: {string.Join('\n', tail)}")), TaskScheduler.Default);
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return p;
    }
}
