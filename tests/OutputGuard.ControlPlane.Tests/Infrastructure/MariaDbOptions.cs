using MySqlConnector;
using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>Points a control plane's legacy db_* keys at a test database.</summary>
public static class MariaDbOptions
{
    public static void ApplyTo(this MariaDbDatabase database, ControlPlaneOptions options) => ApplyTo(database.ConnectionString, options);

    public static void ApplyTo(string connectionString, ControlPlaneOptions options)
    {
        var b = new MySqlConnectionStringBuilder(connectionString);
        options.DbServer = b.Server;
        options.DbPort = (int)b.Port;
        options.DbUser = b.UserID;
        options.DbPassword = b.Password;
        options.DbName = b.Database;
    }
}
