namespace OutputGuard.ControlPlane.Store;

/// <summary>Which store the control plane uses: MySQL/MariaDB when a connection string is set, else the embedded SQLite file.</summary>
public sealed record StoreOptions
{
    /// <summary>A MySqlConnector connection string with a database; null or empty selects SQLite.</summary>
    public string? MySqlConnectionString { get; init; }

    /// <summary>The data directory that holds the SQLite file (<c>outputguard.db</c>).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>The clock for every timestamp the store writes.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
