using System.Text.Json;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>A real Prometheus (the Debian package) scraping one target every second, on a free loopback port.</summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ChildProcess _process;
    private readonly string _dir;

    private PrometheusServer(ChildProcess process, string dir, Uri uri)
    {
        _process = process;
        _dir = dir;
        Uri = uri;
    }

    public Uri Uri { get; }

    public static PrometheusServer Start(string target)
    {
        var dir = Directory.CreateTempSubdirectory("og-gw-prom-").FullName;
        var port = FreePort.Tcp();
        File.WriteAllText(Path.Combine(dir, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: gateway
                static_configs:
                  - targets: ["{target}"]
            """);
        var p = ChildProcess.Start(new CommandLine(
            "/usr/bin/prometheus", $"--config.file={dir}/prometheus.yml", $"--storage.tsdb.path={dir}/data", $"--web.listen-address=127.0.0.1:{port}"));
        return new PrometheusServer(p, dir, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>The metric names Prometheus stored.</summary>
    public async Task<List<string>> MetricNamesAsync()
    {
        using var doc = await GetAsync("api/v1/label/__name__/values");
        return doc is null ? [] : [.. doc.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>An instant query: each result's labels and value.</summary>
    public async Task<List<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        using var doc = await GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        if (doc is null)
        {
            return [];
        }

        return [.. doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, System.Globalization.CultureInfo.InvariantCulture)))];
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<JsonDocument?> GetAsync(string path)
    {
        try
        {
            return JsonDocument.Parse(await Http.GetStringAsync(new Uri(Uri, path)));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }
}
