using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>
/// The store of a control plane run as a child process (<see cref="ControlPlaneProcess"/>): SQLite in a temp
/// directory, or a new database of the test MariaDB; with the YAML keys that select it and raw SQL access for
/// tests that fill it faster than the API could. Shared with bench/.
/// </summary>
public sealed class ProcessBackend : IAsyncDisposable
{
    private readonly string _connectionString;
    private readonly bool _sqlite;
    private readonly Func<string, Task>? _dropDatabase;

    private ProcessBackend(string directory, string yaml, string connectionString, bool sqlite, Func<string, Task>? dropDatabase = null)
    {
        _dropDatabase = dropDatabase;
        Directory = directory;
        Yaml = yaml;
        _connectionString = connectionString;
        _sqlite = sqlite;
    }

    /// <summary>A temp directory for the configuration (and the SQLite store).</summary>
    public string Directory { get; }

    /// <summary>The store keys of the YAML configuration.</summary>
    public string Yaml { get; }

    /// <summary>The MariaDB database name; null on SQLite.</summary>
    public string? DatabaseName => _sqlite ? null : new MySqlConnectionStringBuilder(_connectionString).Database;

    /// <summary>
    /// A store of <paramref name="backend"/> ("sqlite" or "mariadb"); on MariaDB <paramref name="newDatabase"/> makes its
    /// database (returns a connection string) and <paramref name="dropDatabase"/>, when given, removes it at the end.
    /// </summary>
    public static async Task<ProcessBackend> CreateAsync(string backend, Func<Task<string>> newDatabase, Func<string, Task>? dropDatabase = null)
    {
        ArgumentNullException.ThrowIfNull(newDatabase);
        var directory = System.IO.Directory.CreateTempSubdirectory("og-proc-").FullName;
        if (backend == "sqlite")
        {
            var data = Path.Combine(directory, "data");
            return new ProcessBackend(directory, $"data_dir: {data}\n", new SqliteConnectionStringBuilder { DataSource = Path.Combine(data, "outputguard.db") }.ConnectionString, sqlite: true);
        }

        var connectionString = await newDatabase();
        var b = new MySqlConnectionStringBuilder(connectionString);
        return new ProcessBackend(
            directory,
            FormattableString.Invariant($"db_server: {b.Server}\ndb_port: {b.Port}\ndb_user: {b.UserID}\ndb_password: \"{b.Password}\"\ndb_name: {b.Database}\n"),
            connectionString,
            sqlite: false,
            dropDatabase);
    }

    /// <summary>The MariaDB server's process when it runs on this machine (its pid file readable), else null; null on SQLite.</summary>
    public async Task<System.Diagnostics.Process?> DatabaseServerProcessAsync()
    {
        if (_sqlite)
        {
            return null;
        }

        var pidFile = (await QueryAsync<string>("SELECT @@pid_file")).Single();
        return File.Exists(pidFile) && int.TryParse((await File.ReadAllTextAsync(pidFile)).Trim(), out var pid)
            ? System.Diagnostics.Process.GetProcessById(pid)
            : null;
    }

    /// <summary>Writes <paramref name="yaml"/> (after the store keys) to a config file and returns its path.</summary>
    public string WriteConfig(string yaml)
    {
        var path = Path.Combine(Directory, "config.yaml");
        File.WriteAllText(path, Yaml + yaml);
        return path;
    }

    /// <summary>Runs <paramref name="sql"/> for each of <paramref name="rows"/> in one transaction.</summary>
    public async Task ExecuteAsync(string sql, object? rows = null)
    {
        await using var connection = Open();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(sql, rows, transaction, commandTimeout: 600);
        await transaction.CommitAsync();
    }

    /// <summary>The result of a query.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        await using var connection = Open();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (_sqlite)
        {
            SqliteConnection.ClearAllPools();
        }
        else if (_dropDatabase is not null)
        {
            await _dropDatabase(_connectionString);
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private DbConnection Open() => _sqlite ? new SqliteConnection(_connectionString) : new MySqlConnection(_connectionString);
}
