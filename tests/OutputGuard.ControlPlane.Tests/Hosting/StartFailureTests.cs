using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>
/// Each runtime start failure exits 1 with one line naming the key and the cause, and leaves nothing behind: no
/// listener, no store file, no migrated table.
/// </summary>
public sealed class StartFailureTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("og-cp-fail-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_unreachable_store_names_db_server_and_the_refused_connection()
    {
        var port = ClosedPort();

        var (code, output) = await RunAsync(null, "--db-server", "127.0.0.1", "--db-port", port.ToString(CultureInfo.InvariantCulture), "--db-user", "og", "--db-name", "og");

        Assert.Equal(1, code);
        Assert.StartsWith($"outputguard-control-plane: cannot start: db_server 127.0.0.1:{port}: connection refused", OneLine(output), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_names_db_user_and_migrates_nothing()
    {
        var b = new MySqlConnectionStringBuilder(mariaDb.ConnectionString);

        var (code, output) = await RunAsync("wrong-" + b.Password, Db(b));

        Assert.Equal(1, code);
        Assert.StartsWith($"outputguard-control-plane: cannot start: db_user {b.UserID}: access denied", OneLine(output), StringComparison.Ordinal);
        Assert.Equal(0, await TableCountAsync());
    }

    [Fact]
    public async Task An_unknown_database_names_db_name()
    {
        var b = new MySqlConnectionStringBuilder(mariaDb.ConnectionString);

        var (code, output) = await RunAsync(b.Password, Db(b, database: "og_no_such_" + Guid.NewGuid().ToString("N")[..8]));

        Assert.Equal(1, code);
        Assert.Contains(": no such database on ", OneLine(output), StringComparison.Ordinal);
        Assert.StartsWith("outputguard-control-plane: cannot start: db_name og_no_such_", OneLine(output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--http-address", "http_address")]
    [InlineData("--grpc-address", "grpc_address")]
    public async Task A_port_in_use_names_its_key_and_leaves_no_store_behind(string flag, string key)
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var address = $"127.0.0.1:{((IPEndPoint)occupied.LocalEndpoint).Port}";

        string[] other = flag == "--http-address" ? ["--grpc-address", "127.0.0.1:0"] : ["--http-address", "127.0.0.1:0"];

        var (code, output) = await RunAsync(null, ["--data-dir", _dir, .. other, flag, address]);

        Assert.Equal(1, code);
        Assert.StartsWith($"outputguard-control-plane: cannot start: {key} {address}: address already in use", OneLine(output), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public async Task A_port_in_use_with_MySQL_migrates_nothing_and_starts_no_resolver()
    {
        using var occupied = new TcpListener(IPAddress.Loopback, 0);
        occupied.Start();
        var b = new MySqlConnectionStringBuilder(mariaDb.ConnectionString);

        var (code, output) = await RunAsync(b.Password, [.. Db(b, http: $"127.0.0.1:{((IPEndPoint)occupied.LocalEndpoint).Port}")]);

        Assert.Equal(1, code);
        Assert.Contains("http_address", OneLine(output), StringComparison.Ordinal);
        Assert.Equal(0, await TableCountAsync());
    }

    private static string OneLine(string output) => Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private string[] Db(MySqlConnectionStringBuilder b, string? database = null, string http = "127.0.0.1:0") =>
    [
        "--db-server", b.Server, "--db-port", b.Port.ToString(CultureInfo.InvariantCulture), "--db-user", b.UserID,
        "--db-name", database ?? b.Database, "--data-dir", _dir, "--grpc-address", "127.0.0.1:0", "--http-address", http,
    ];

    /// <summary>The real program; the password goes through the environment, as an operator would give it.</summary>
    private static Task<(int ExitCode, string Output)> RunAsync(string? password, params string[] args) =>
        ControlPlaneProcess.RunToExitAsync(
            password is null ? null : new Dictionary<string, string> { ["OUTPUTGUARD_DB_PASSWORD"] = password }, args);

    private async Task<long> TableCountAsync()
    {
        await using var connection = new MySqlConnection(mariaDb.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
