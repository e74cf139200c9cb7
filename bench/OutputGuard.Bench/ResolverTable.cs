using System.Globalization;
using MySqlConnector;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.Bench;

/// <summary>Runs <see cref="ResolverBench"/> on SQLite (and MariaDB when OUTPUTGUARD_TEST_MYSQL is set) and prints its table.</summary>
public static class ResolverTable
{
    private const int Concurrency = 32;

    public static async Task RunAsync(int domains)
    {
        // d{i}.bench.test with one A and one AAAA record each, on the tests' dnsmasq (no cache: every query is answered from the hosts file).
        var labels = Enumerable.Range(0, domains).Select(i => string.Create(CultureInfo.InvariantCulture, $"d{i}")).ToList();
        await using var dns = await Dnsmasq.StartAsync(
            labels.SelectMany((label, i) => new[]
            {
                (label, string.Create(CultureInfo.InvariantCulture, $"203.0.113.{i % 256}")),
                (label, string.Create(CultureInfo.InvariantCulture, $"2001:db8::{i:x}")),
            }),
            domain: "bench.test",
            extraArgs: ["--dns-forward-max=1000", "--cache-size=0"]);
        var names = labels.Select(dns.Name).ToList();
        var rows = new List<string[]>();
        var dir = Directory.CreateTempSubdirectory("og-bench-resolver-").FullName;
        try
        {
            rows.AddRange(await new ResolverBench("sqlite", new StoreOptions { DataDirectory = dir }, dns, names, Concurrency).RunAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }

        var server = Environment.GetEnvironmentVariable("OUTPUTGUARD_TEST_MYSQL");
        if (!string.IsNullOrWhiteSpace(server))
        {
            var database = $"og_bench_{Guid.NewGuid():N}"[..20];
            await Execute(server, $"CREATE DATABASE `{database}`");
            try
            {
                var connection = new MySqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
                rows.AddRange(await new ResolverBench("mariadb", new StoreOptions { DataDirectory = dir, MySqlConnectionString = connection }, dns, names, Concurrency).RunAsync());
            }
            finally
            {
                await Execute(server, $"DROP DATABASE `{database}`");
            }
        }

        Table.Print(
            $"OutputGuard resolver, {domains} domains (A + AAAA each) against a local dnsmasq, {Concurrency} lookups in flight, {Environment.ProcessorCount} cores",
            ["backend", "measure", "queries/s", "wall s", "CPU s", "alloc MB", "heap MB", "time vs baseline"],
            rows,
            textColumns: 2);
    }

    private static async Task Execute(string server, string sql)
    {
        await using var connection = new MySqlConnection(server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
