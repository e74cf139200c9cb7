using System.Data.Common;
using System.Globalization;
using System.Net.Sockets;
using MySqlConnector;
using OutputGuard.Configuration.Startup;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Store.MySql;

namespace OutputGuard.ControlPlane.Hosting;

/// <summary>
/// The checks of a start that run before anything listens, resolves or migrates: both listeners' addresses can be
/// bound, and the MySQL/MariaDB store answers with the configured credentials. A failure is one sentence naming the
/// key and the cause (<c>db_server 127.0.0.1:3307: connection refused</c>).
/// </summary>
public static class StartupChecks
{
    /// <summary>Throws <see cref="StartupException"/> (runtime) or <see cref="ConfigurationException"/> (configuration) on the first problem.</summary>
    public static async Task RunAsync(ControlPlaneOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var http = ListenAddress.Parse(options.HttpAddress, "http_address");
        var grpc = ListenAddress.Parse(options.GrpcAddress, "grpc_address");
        if (http.Port != 0 && http.Equals(grpc))
        {
            throw new ConfigurationException($"grpc_address: {options.GrpcAddress} is also http_address; give the gRPC listener a port of its own");
        }

        ListenerCheck.EnsureFree("http_address", http);
        ListenerCheck.EnsureFree("grpc_address", grpc);
        if (options.UsesMySql)
        {
            var connectionString = MySqlConnectionStrings.FromLegacyKeys(
                options.DbServer, options.DbPort.ToString(CultureInfo.InvariantCulture), options.DbUser, options.DbPassword, options.DbName);
            await CheckReachableAsync(options, cancellationToken);
            await using var connection = new MySqlConnection(connectionString);
            try
            {
                await connection.OpenAsync(cancellationToken);
            }
            catch (MySqlException e)
            {
                throw new StartupException(Describe(options, e), e);
            }
        }
    }

    /// <summary>One line for a failed start: the key and its value, then the cause.</summary>
    public static string Describe(ControlPlaneOptions options, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(exception);
        var server = string.Create(CultureInfo.InvariantCulture, $"{options.DbServer}:{options.DbPort}");
        return exception switch
        {
            StartupException e => e.Message,
            MySqlException { ErrorCode: MySqlErrorCode.UnableToConnectToHost } e => $"db_server {server}: {SocketCause(e)}",
            MySqlException { ErrorCode: MySqlErrorCode.AccessDenied } => $"db_user {options.DbUser}: access denied by {server} (check db_user and db_password)",
            MySqlException { ErrorCode: MySqlErrorCode.UnknownDatabase } => $"db_name {options.DbName}: no such database on {server} (create it, or fix db_name)",
            MySqlException e => $"db_server {server}: {e.Message}",
            DbException or UnauthorizedAccessException when !options.UsesMySql => $"data_dir {options.DataDir}: {exception.Message}",
            IOException when !options.UsesMySql && exception.Message.Contains(options.DataDir, StringComparison.Ordinal) => $"data_dir {options.DataDir}: {exception.Message}",
            IOException e when e.InnerException is not null || e.Message.Contains("bind", StringComparison.OrdinalIgnoreCase) => $"listener: {e.Message}",
            _ => exception.Message,
        };
    }

    /// <summary>A TCP connect to db_server:db_port first, so that the cause (refused, unknown host, timeout) can be named.</summary>
    private static async Task CheckReachableAsync(ControlPlaneOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        var server = string.Create(CultureInfo.InvariantCulture, $"db_server {options.DbServer}:{options.DbPort}");
        try
        {
            await client.ConnectAsync(options.DbServer!, options.DbPort, timeout.Token);
        }
        catch (SocketException e)
        {
            throw new StartupException(server, Cause(e), e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StartupException(server, "timed out after 10 s (check db_server, db_port and the firewall)", e);
        }
    }

    private static string Cause(SocketException s) => s.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (is MySQL/MariaDB running and listening there? check db_server and db_port)",
        SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData => "host not found (check db_server)",
        SocketError.TimedOut => "timed out (check db_server, db_port and the firewall)",
        _ => s.Message,
    };

    private static string SocketCause(MySqlException e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException s)
            {
                return Cause(s);
            }
        }

        return e.Message + " (check db_server and db_port)";
    }
}
