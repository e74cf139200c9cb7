using System.Globalization;
using System.Net.Http.Headers;
using MySqlConnector;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.Bench;

/// <summary>
/// What an idle control plane (no call in flight) spends on its domain entries: the real program in a child process,
/// its CPU over a window after every domain was resolved once, per 1,000 domains, with the domains answered by a
/// local dnsmasq (healthy) or refused by it (failing, retried with a doubling delay), against a baseline with no
/// entries measured in the same run (each window starts 15 s after the first pass, or the start). Also the lookups per
/// second the resolver made in the window.
/// </summary>
public static class ResolverIdleBench
{
    private const string Viewer = "viewer-secret-0123456789";
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(15);

    /// <summary>Runs the three scenarios on SQLite (and MariaDB with OUTPUTGUARD_TEST_MYSQL) and prints the table.</summary>
    public static async Task RunAsync(int domains, TimeSpan window, int floorSeconds, int intervalSeconds)
    {
        var labels = Enumerable.Range(0, domains).Select(i => string.Create(CultureInfo.InvariantCulture, $"d{i}")).ToList();
        await using var dns = await Dnsmasq.StartAsync(
            labels.Select((label, i) => (label, string.Create(CultureInfo.InvariantCulture, $"203.0.113.{i % 256}"))),
            domain: "idle.test",
            extraArgs: ["--dns-forward-max=1000", "--cache-size=0"]);
        var healthy = labels.Select(dns.Name).ToList();
        var failing = labels.Select(l => $"{l}.refused.test").ToList();
        var rows = new List<string[]>();
        var server = Environment.GetEnvironmentVariable("OUTPUTGUARD_TEST_MYSQL");
        foreach (var backend in string.IsNullOrWhiteSpace(server) ? ["sqlite"] : new[] { "sqlite", "mariadb" })
        {
            var baseline = await MeasureAsync(backend, server, dns, [], window, floorSeconds, intervalSeconds);
            rows.Add(Row(backend, "no entries (baseline)", 0, baseline, baseline));
            foreach (var (what, names) in new[] { ("healthy: answered, TTL 1 s", healthy), ("failing: REFUSED", failing) })
            {
                rows.Add(Row(backend, what, domains, await MeasureAsync(backend, server, dns, names, window, floorSeconds, intervalSeconds), baseline));
            }
        }

        if (string.IsNullOrWhiteSpace(server))
        {
            Console.Error.WriteLine("OUTPUTGUARD_TEST_MYSQL is not set: MariaDB is not measured.");
        }

        Table.Print(
            $"OutputGuard idle control plane: {domains} domain entries, CPU over {window.TotalSeconds:0} s after the first lookup of each, " +
            $"resolver_ttl_floor_s {floorSeconds}, resolver_interval_s {intervalSeconds}, {Environment.ProcessorCount} cores",
            ["backend", "domain entries", "CPU ms/s", "CPU ms/s per 1,000 domains over baseline", "lookups/s", "lookups per domain in window", "CPU vs baseline"],
            rows,
            textColumns: 2);
    }

    private static async Task<Sample> MeasureAsync(
        string backend, string? server, Dnsmasq dns, List<string> names, TimeSpan window, int floorSeconds, int intervalSeconds)
    {
        var database = $"og_bench_{Guid.NewGuid():N}"[..20];
        await using var store = await ProcessBackend.CreateAsync(
            backend,
            async () =>
            {
                await ExecuteAsync(server!, $"CREATE DATABASE `{database}`");
                return new MySqlConnectionStringBuilder(server!) { Database = database }.ConnectionString;
            },
            _ => ExecuteAsync(server!, $"DROP DATABASE `{database}`"));
        await using var process = await ControlPlaneProcess.StartAsync("--config", store.WriteConfig(string.Create(CultureInfo.InvariantCulture, $"""
            http_address: 127.0.0.1:0
            grpc_address: 127.0.0.1:0
            treat_as_public: [203.0.113.0/24]
            resolver_name_servers: ["{dns.NameServer}"]
            resolver_ttl_floor_s: {floorSeconds}
            resolver_interval_s: {intervalSeconds}
            tokens:
              - {"{"} name: viewer, role: viewer, secret: "{Viewer}" {"}"}

            """)));
        using var http = new HttpClient { BaseAddress = process.HttpUri };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Viewer);
        if (names.Count > 0)
        {
            // As an import or another replica would write them: the running control plane finds them by itself.
            await store.ExecuteAsync(
                "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at) VALUES (@Value, 1, '', '', 0, 'bench', 0)",
                names.Select(n => new { Value = n }).ToList());
            var deadline = DateTime.UtcNow.AddMinutes(10);
            while ((await store.QueryAsync<long>("SELECT COUNT(*) FROM resolution_status"))[0] < names.Count)
            {
                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"the resolver did not look up all {names.Count} domains within 10 minutes");
                }

                await Task.Delay(250);
            }
        }

        // The runtime recompiles the methods the first pass made hot (tiered compilation) for some seconds after it:
        // a cost of the start, not of idling. The baseline waits as long.
        await Task.Delay(Settle);
        var lookups = await LookupsAsync(http);
        var cpu = process.CpuTime();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.Delay(window);
        var spent = process.CpuTime() - cpu;
        var seconds = clock.Elapsed.TotalSeconds;
        return new Sample(names.Count, spent.TotalMilliseconds / seconds, (await LookupsAsync(http) - lookups) / seconds, seconds);
    }

    private static async Task<double> LookupsAsync(HttpClient http)
    {
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        return text.Split('\n')
            .Where(l => l.StartsWith("outputguard_resolver_lookups_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    private static string[] Row(string backend, string what, int domains, Sample s, Sample baseline) =>
    [
        backend,
        what,
        F(s.CpuMsPerSecond, "0.0"),
        domains == 0 ? "-" : F((s.CpuMsPerSecond - baseline.CpuMsPerSecond) * 1000 / domains, "0.00"),
        F(s.LookupsPerSecond, "0.0"),
        domains == 0 ? "-" : F(s.LookupsPerSecond * s.Seconds / domains, "0.00"),
        F(s.CpuMsPerSecond / Math.Max(baseline.CpuMsPerSecond, 0.1), "0.0"),
    ];

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static async Task ExecuteAsync(string server, string sql)
    {
        await using var connection = new MySqlConnection(server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private sealed record Sample(int Domains, double CpuMsPerSecond, double LookupsPerSecond, double Seconds);
}
