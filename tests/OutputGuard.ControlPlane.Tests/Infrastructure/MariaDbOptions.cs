using OutputGuard.ControlPlane.Configuration;

namespace OutputGuard.ControlPlane.Tests.Infrastructure;

/// <summary>Points a control plane's legacy db_* keys at a test database.</summary>
public static class MariaDbOptions
{
    public static void ApplyTo(this MariaDbDatabase database, ControlPlaneOptions options) =>
        PrivateMariaDb.Apply(options, database.ConnectionString);

    public static void ApplyTo(string connectionString, ControlPlaneOptions options) =>
        PrivateMariaDb.Apply(options, connectionString);
}
