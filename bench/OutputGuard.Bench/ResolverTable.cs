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
