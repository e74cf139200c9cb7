using System.Globalization;
using System.Text.RegularExpressions;
using MySqlConnector;

namespace OutputGuard.ControlPlane.Legacy.Import;

/// <summary>
/// The <c>--from</c> connection of the old database: a MySqlConnector connection string
/// (<c>Server=…;User ID=…;Password=…;Database=…</c>) or the replaced system's Go DSN
/// (<c>user:password@tcp(host:port)/database?charset=utf8mb4&amp;parseTime=True</c>).
/// </summary>
public static partial class LegacyConnectionString
{
    /// <summary>A MySqlConnector connection string; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static string Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (GoDsn().Match(text.Trim()) is { Success: true } dsn)
        {
            var builder = new MySqlConnectionStringBuilder
            {
                UserID = Uri.UnescapeDataString(dsn.Groups["user"].Value),
                Password = Uri.UnescapeDataString(dsn.Groups["password"].Value),
                Server = dsn.Groups["host"].Value,
                Database = dsn.Groups["database"].Value,
            };
            if (dsn.Groups["port"].Success)
            {
                builder.Port = uint.Parse(dsn.Groups["port"].Value, CultureInfo.InvariantCulture);
            }

            return builder.ConnectionString;
        }

        MySqlConnectionStringBuilder parsed;
        try
        {
            parsed = new MySqlConnectionStringBuilder(text);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"--from: not a MySQL connection string nor a DSN user:password@tcp(host:port)/database ({e.Message})", e);
        }

        if (string.IsNullOrWhiteSpace(parsed.Server) || string.IsNullOrWhiteSpace(parsed.Database))
        {
            throw new FormatException("--from: name the old server and its database (Server=…;Database=…, or user:password@tcp(host:port)/database)");
        }

        return parsed.ConnectionString;
    }

    /// <summary>Host, port and database of a connection string, for messages (never the password).</summary>
    public static string Describe(string connectionString)
    {
        var b = new MySqlConnectionStringBuilder(connectionString);
        return string.Create(CultureInfo.InvariantCulture, $"{b.Server}:{b.Port}/{b.Database}");
    }

    [GeneratedRegex(@"^(?<user>[^:@/]*)(:(?<password>[^@]*))?@tcp\((?<host>[^:)]+)(:(?<port>\d{1,5}))?\)/(?<database>[^?]+)(\?.*)?$")]
    private static partial Regex GoDsn();
}
