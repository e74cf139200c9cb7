using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using MySqlConnector;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// Tells a store or dependency outage (the database is down, the connection was lost, the pool or the
/// server's connections are exhausted, a lock or a command timed out) from a fault of the program, and
/// names it for operators. An outage is worth retrying later; nothing was written by the failed call.
/// </summary>
public static class StoreOutage
{
    // SQLite primary result codes (https://sqlite.org/rescode.html) that mean the file cannot be used now.
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteNoMemory = 7;
    private const int SqliteReadOnly = 8;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCannotOpen = 14;
    private const int SqliteProtocol = 15;

    /// <summary>
    /// Whether <paramref name="exception"/> (or an exception inside it) is an outage; <paramref name="reason"/>
    /// then says what is unavailable and what the operator can do.
    /// </summary>
    public static bool TryDescribe(Exception exception, out string reason)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (Describe(e) is { } text)
            {
                reason = text;
                return true;
            }
        }

        reason = string.Empty;
        return false;
    }

    private static string? Describe(Exception e) => e switch
    {
        MySqlException m => DescribeMySql(m),
        SqliteException s => (s.SqliteErrorCode & 0xff) switch
        {
            SqliteBusy or SqliteLocked => "the SQLite store is busy (another writer holds it); try again",
            SqliteNoMemory => "the SQLite store ran out of memory",
            SqliteReadOnly => "the SQLite store is read-only: check the permissions of data_dir",
            SqliteIoError or SqliteProtocol => "the SQLite store cannot be read or written (I/O error): check the disk under data_dir",
            SqliteFull => "the disk under data_dir is full",
            SqliteCannotOpen => "the SQLite store cannot be opened: check data_dir",
            _ => null,
        },
        TimeoutException => "the store did not answer in time",
        SocketException or IOException or EndOfStreamException => "the connection to the store was lost",
        _ => null,
    };

    private static string? DescribeMySql(MySqlException m) => m.ErrorCode switch
    {
        MySqlErrorCode.ConnectionCountError or MySqlErrorCode.TooManyUserConnections =>
            "the database refused a connection (too many connections): lower db_pool_size on the replicas or raise max_connections",
        MySqlErrorCode.UnableToConnectToHost when m.Message.Contains("pool", StringComparison.OrdinalIgnoreCase) =>
            "every pooled database connection is busy (db_pool_size); try again",
        MySqlErrorCode.UnableToConnectToHost => "the database cannot be reached (db_server, db_port)",
        MySqlErrorCode.ServerShutdown or MySqlErrorCode.NormalShutdown or MySqlErrorCode.ForcingClose =>
            "the database is shutting down",
        MySqlErrorCode.LockWaitTimeout or MySqlErrorCode.LockDeadlock =>
            "the database is busy (a lock wait timed out); try again",
        MySqlErrorCode.CommandTimeoutExpired or MySqlErrorCode.QueryTimeout or MySqlErrorCode.QueryInterrupted or MySqlErrorCode.ClientInteractionTimeout =>
            "the database did not answer in time",
        MySqlErrorCode.OutOfResources or MySqlErrorCode.OutOfMemory or MySqlErrorCode.DiskFull =>
            "the database is out of resources (memory or disk)",
        MySqlErrorCode.AccessDenied or MySqlErrorCode.DatabaseAccessDenied or MySqlErrorCode.UnknownDatabase =>
            "the database refuses the configured account or database (db_user, db_password, db_name)",
        _ when m.IsTransient => "the database is unavailable for the moment; try again",
        _ when m.InnerException is SocketException or IOException or EndOfStreamException => "the connection to the database was lost",
        _ => null,
    };
}
