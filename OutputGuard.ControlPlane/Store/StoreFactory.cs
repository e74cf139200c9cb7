using OutputGuard.ControlPlane.Store.MySql;
using OutputGuard.ControlPlane.Store.Sqlite;

namespace OutputGuard.ControlPlane.Store;

/// <summary>Creates the store that <see cref="StoreOptions"/> selects.</summary>
public static class StoreFactory
{
    /// <summary>
    /// A <see cref="MySqlControlPlaneStore"/> when <see cref="StoreOptions.MySqlConnectionString"/> is set,
    /// else a <see cref="SqliteControlPlaneStore"/> in <see cref="StoreOptions.DataDirectory"/>. Nothing is
    /// opened yet; call <see cref="IControlPlaneStore.MigrateAsync"/> (or use <see cref="CreateMigratedAsync"/>) at start.
    /// </summary>
    public static IControlPlaneStore Create(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.MySqlConnectionString)
            ? new SqliteControlPlaneStore(options.DataDirectory, options.TimeProvider)
            : new MySqlControlPlaneStore(options.MySqlConnectionString, options.TimeProvider);
    }

    /// <summary>Creates the store like <see cref="Create"/> and applies its migrations.</summary>
    public static async Task<IControlPlaneStore> CreateMigratedAsync(StoreOptions options, CancellationToken cancellationToken)
    {
        var store = Create(options);
        await store.MigrateAsync(cancellationToken);
        return store;
    }
}
