using MySqlConnector;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>
/// A MariaDB for tests: the server named by <c>OUTPUTGUARD_TEST_MYSQL</c> (a connection string without a
/// database), or else a private server started with <c>.ci/mariadb.sh start</c> and stopped when the last
/// fixture using it is disposed. Each fixture owns a database <c>og_&lt;random&gt;</c> (<see cref="ConnectionString"/>)
/// and can create more (<see cref="CreateDatabaseAsync"/>); all are dropped at the end.
/// If no server can be reached or started, initialisation fails with a message saying how to provide one.
/// </summary>
public sealed class MariaDbDatabase : IAsyncLifetime
{
    /// <summary>The environment variable with the server's connection string.</summary>
    public const string EnvironmentVariable = "OUTPUTGUARD_TEST_MYSQL";

    private static readonly SemaphoreSlim ServerGate = new(1, 1);
    private static PrivateMariaDb? _privateServer;
    private static int _privateServerUsers;

    private readonly List<string> _databases = [];
    private string? _serverConnectionString;
    private bool _usesPrivateServer;

    /// <summary>The connection string of this fixture's own database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>The name of this fixture's own database.</summary>
    public string DatabaseName { get; private set; } = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            _serverConnectionString = fromEnvironment;
        }
        else
        {
            _serverConnectionString = await AcquirePrivateServerAsync();
            _usesPrivateServer = true;
        }

        try
        {
            ConnectionString = await CreateDatabaseAsync();
            DatabaseName = new MySqlConnectionStringBuilder(ConnectionString).Database;
        }
        catch (MySqlException e)
        {
            throw new InvalidOperationException(
                $"MariaDB at '{Redacted(_serverConnectionString)}' cannot be used: {e.Message}. {HowToStart}", e);
        }
    }

    /// <summary>Creates an empty database <c>og_&lt;random&gt;</c> and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "og_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new MySqlConnection(_serverConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new MySqlCommand($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_databases)
        {
            _databases.Add(name);
        }

        return new MySqlConnectionStringBuilder(_serverConnectionString!) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database this fixture created.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new MySqlConnectionStringBuilder(connectionString).Database;
        await DropAsync(name);
        lock (_databases)
        {
            _databases.Remove(name);
        }
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        try
        {
            if (_serverConnectionString is not null)
            {
                List<string> names;
                lock (_databases)
                {
                    names = [.. _databases];
                    _databases.Clear();
                }

                foreach (var name in names)
                {
                    await DropAsync(name);
                }
            }
        }
        finally
        {
            if (_usesPrivateServer)
            {
                await ReleasePrivateServerAsync();
            }
        }
    }

    private const string HowToStart =
        "The MariaDB store tests need a server: set " + EnvironmentVariable +
        "='Server=127.0.0.1;Port=N;User ID=...;Password=...;' (a user allowed to create databases), " +
        "or install MariaDB (mariadb-install-db, mariadbd) so that the tests can run '.ci/mariadb.sh start DIR' " +
        "themselves (try it by hand to see why it fails).";

    private async Task DropAsync(string name)
    {
        MySqlConnection.ClearAllPools();
        await using var connection = new MySqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP DATABASE IF EXISTS `{name}`", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string Redacted(string? connectionString)
    {
        try
        {
            return new MySqlConnectionStringBuilder(connectionString ?? string.Empty) { Password = "***" }.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "(unreadable connection string)";
        }
    }

    private static async Task<string> AcquirePrivateServerAsync()
    {
        await ServerGate.WaitAsync();
        try
        {
            try
            {
                _privateServer ??= await PrivateMariaDb.StartAsync();
            }
            catch (InvalidOperationException e)
            {
                throw new InvalidOperationException($"{e.Message} {HowToStart}", e);
            }

            _privateServerUsers++;
            return _privateServer.ServerConnectionString;
        }
        finally
        {
            ServerGate.Release();
        }
    }

    private static async Task ReleasePrivateServerAsync()
    {
        await ServerGate.WaitAsync();
        try
        {
            if (--_privateServerUsers == 0 && _privateServer is { } server)
            {
                _privateServer = null;
                await server.DisposeAsync();
            }
        }
        finally
        {
            ServerGate.Release();
        }
    }
}
