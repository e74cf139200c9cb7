using MySqlConnector;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.Bench;

/// <summary>The stores a benchmark measures: SQLite, and a fresh database on the MariaDB of <c>OUTPUTGUARD_TEST_MYSQL</c> when it is set.</summary>
public static class BenchStores
{
    private static string? Server => Environment.GetEnvironmentVariable("OUTPUTGUARD_TEST_MYSQL") is { Length: > 0 } s ? s : null;

    /// <summary>"sqlite", and "mariadb" when a server is configured (else a note on stderr).</summary>
    public static IReadOnlyList<string> Available()
    {
        if (Server is not null)
        {
            return ["sqlite", "mariadb"];
        }

        Console.Error.WriteLine("OUTPUTGUARD_TEST_MYSQL is not set: MariaDB is not measured.");
        return ["sqlite"];
    }

    /// <summary>A fresh store of <paramref name="backend"/>, removed when disposed.</summary>
    public static Task<ProcessBackend> CreateAsync(string backend) => ProcessBackend.CreateAsync(
        backend,
        async () =>
        {
            var database = $"og_bench_{Guid.NewGuid():N}"[..20];
            await ExecuteAsync($"CREATE DATABASE `{database}`");
            return new MySqlConnectionStringBuilder(Server!) { Database = database }.ConnectionString;
        },
        connectionString => ExecuteAsync($"DROP DATABASE `{new MySqlConnectionStringBuilder(connectionString).Database}`"));

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(Server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
