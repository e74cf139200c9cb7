using MySqlConnector;
using OutputGuard.ControlPlane.Store;

namespace OutputGuard.Bench;

/// <summary>Runs <see cref="ResolverBench"/> on SQLite (and MariaDB when OUTPUTGUARD_TEST_MYSQL is set) and prints its table.</summary>
public static class ResolverTable
{
    private const int Concurrency = 32;

    public static async Task RunAsync(int domains)
    {
        await using var dns = await DnsmasqForBench.StartAsync(domains);
        var rows = new List<string[]>();
        var dir = Directory.CreateTempSubdirectory("og-bench-resolver-").FullName;
        try
        {
            rows.AddRange(await new ResolverBench("sqlite", new StoreOptions { DataDirectory = dir }, dns, Concurrency).RunAsync());
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
                rows.AddRange(await new ResolverBench("mariadb", new StoreOptions { DataDirectory = dir, MySqlConnectionString = connection }, dns, Concurrency).RunAsync());
            }
            finally
            {
                await Execute(server, $"DROP DATABASE `{database}`");
            }
        }

        string[] header = ["backend", "measure", "queries/s", "wall s", "CPU s", "alloc MB", "heap MB", "time vs baseline"];
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine();
        Console.WriteLine($"OutputGuard resolver, {domains} domains (A + AAAA each) against a local dnsmasq, {Concurrency} lookups in flight, {Environment.ProcessorCount} cores");
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            Console.WriteLine(string.Join(" | ", row.Select((c, i) => i >= 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))));
        }
    }

    private static async Task Execute(string server, string sql)
    {
        await using var connection = new MySqlConnection(server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
