using MySqlConnector;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A MariaDB server of the test's own, run by <c>.ci/mariadb.sh</c> in a temporary directory with the options the
/// test asks for (e.g. <c>--max-connections=20</c>): the test may stop it (as an outage would) and resume it on the
/// same port and data. Stopped and removed on dispose. Not the shared server of <c>OUTPUTGUARD_TEST_MYSQL</c>.
/// </summary>
public sealed class PrivateMariaDb : IAsyncDisposable
{
    private readonly string _script;
    private readonly string _directory;

    private PrivateMariaDb(string script, string directory, string connectionString)
    {
        _script = script;
        _directory = directory;
        ServerConnectionString = connectionString;
    }

    /// <summary>The server's connection string, without a database.</summary>
    public string ServerConnectionString { get; }

    /// <summary>Starts a server with <paramref name="options"/> (mariadbd flags) on a free port.</summary>
    public static async Task<PrivateMariaDb> StartAsync(params string[] options)
    {
        var script = FindScript();
        var directory = Path.Combine(Path.GetTempPath(), "og-mariadb-" + Guid.NewGuid().ToString("N")[..12]);
        var (exit, stdout, stderr) = await RunAsync(script, ["start", directory, .. options]);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exit != 0 || string.IsNullOrEmpty(line))
        {
            await RunAsync(script, ["stop", directory]);
            throw new InvalidOperationException($"'{script} start {directory}' failed (exit {exit}): {stderr.Trim()}");
        }

        return new PrivateMariaDb(script, directory, line);
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "og_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new MySqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", connection);
        await command.ExecuteNonQueryAsync();
        return new MySqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Stops the server (its data stays).</summary>
    public async Task StopAsync() => await RunAsync(_script, ["stop", _directory]);

    /// <summary>Starts the stopped server again on the same port, data and options, and waits until it answers.</summary>
    public async Task ResumeAsync()
    {
        var (exit, _, stderr) = await RunAsync(_script, ["resume", _directory]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"'{_script} resume {_directory}' failed (exit {exit}): {stderr.Trim()}");
        }
    }

    /// <summary>Points a control plane's db_* keys at the database of <paramref name="connectionString"/>.</summary>
    public static void Apply(ControlPlaneOptions options, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        var b = new MySqlConnectionStringBuilder(connectionString);
        options.DbServer = b.Server;
        options.DbPort = (int)b.Port;
        options.DbUser = b.UserID;
        options.DbPassword = b.Password;
        options.DbName = b.Database;
    }

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying server; the temp folder is cleaned eventually.
        }
    }

    /// <summary>The repository's <c>.ci/mariadb.sh</c>.</summary>
    public static string FindScript()
    {
        var script = Path.Combine(RepositoryRoot.Find(), ".ci", "mariadb.sh");
        return File.Exists(script) ? script : throw new InvalidOperationException($"{script} is missing");
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string script, string[] args)
    {
        var (exit, stdout, stderr) = await Tool.RunAsync(new CommandLine("bash", [script, .. args]), TimeSpan.FromSeconds(90));
        return (exit, stdout, stderr);
    }
}
