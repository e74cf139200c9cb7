using System.Globalization;
using MySqlConnector;

namespace OutputGuard.ControlPlane.Store.MySql;

/// <summary>Builds MySqlConnector connection strings from the configuration keys of the system OutputGuard replaces.</summary>
public static class MySqlConnectionStrings
{
    /// <summary>The port when <c>db_port</c> is not set.</summary>
    public const uint DefaultPort = 3306;

    /// <summary>The pool size when <c>db_pool_size</c> is not set.</summary>
    public const int DefaultPoolSize = 32;

    /// <summary>
    /// A connection string from <c>db_server</c>, <c>db_port</c>, <c>db_user</c>, <c>db_password</c> and
    /// <c>db_name</c>; throws <see cref="ArgumentException"/> naming the key that is missing or malformed.
    /// </summary>
    /// <param name="server">db_server: host name or address.</param>
    /// <param name="port">db_port: a port number, or null/empty for 3306.</param>
    /// <param name="user">db_user.</param>
    /// <param name="password">db_password (may be empty).</param>
    /// <param name="database">db_name.</param>
    /// <param name="poolSize">db_pool_size: the most connections this process opens.</param>
    public static string FromLegacyKeys(string? server, string? port, string? user, string? password, string? database, int poolSize = DefaultPoolSize)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new ArgumentException("db_server is not set.", nameof(server));
        }

        if (string.IsNullOrWhiteSpace(user))
        {
            throw new ArgumentException("db_user is not set.", nameof(user));
        }

        if (string.IsNullOrWhiteSpace(database))
        {
            throw new ArgumentException("db_name is not set.", nameof(database));
        }

        var portNumber = DefaultPort;
        if (!string.IsNullOrWhiteSpace(port)
            && (!uint.TryParse(port.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber is 0 or > 65535))
        {
            throw new ArgumentException($"db_port '{port}' is not a port number from 1 to 65535.", nameof(port));
        }

        return new MySqlConnectionStringBuilder
        {
            Server = server.Trim(),
            Port = portNumber,
            UserID = user,
            Password = password ?? string.Empty,
            Database = database.Trim(),
            MaximumPoolSize = (uint)Math.Clamp(poolSize, 2, 1000),
        }.ConnectionString;
    }
}
