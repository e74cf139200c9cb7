using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace OutputGuard.ControlPlane.Store.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in the data directory, in WAL mode with synchronous=NORMAL and a
/// busy timeout; writers serialise on BEGIN IMMEDIATE, readers see a consistent snapshot.
/// </summary>
public sealed class SqliteControlPlaneStore : SqlControlPlaneStore
{
    /// <summary>The database file's name inside the data directory.</summary>
    public const string FileName = "outputguard.db";

    private const int BusyTimeoutMilliseconds = 30_000;
    private readonly string _connectionString;

    /// <summary>Creates a store on <c>{dataDirectory}/outputguard.db</c>; the directory is created if missing.</summary>
    /// <param name="dataDirectory">The control plane's data directory.</param>
    /// <param name="timeProvider">The clock for timestamps.</param>
    public SqliteControlPlaneStore(string dataDirectory, TimeProvider timeProvider)
        : base(timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        DatabasePath = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public override string Backend => "sqlite";

    /// <inheritdoc />
    protected override string MigrationDialect => "sqlite";

    /// <inheritdoc />
    protected override string LockStateSql =>
        "SELECT revision AS Revision, revision_time AS RevisionTime, log_floor AS LogFloor FROM state WHERE id = 1";

    /// <inheritdoc />
    protected override string InsertEntrySql =>
        "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at) " +
        "VALUES (@Value, @Kind, @Ports, @Note, @Undeletable, @CreatedBy, @CreatedAt) RETURNING id";

    /// <inheritdoc />
    protected override string UpsertGatewaySql =>
        "INSERT INTO gateways (id, hostname, version, applied_revision, last_seen, connected, element_count, token_name, replica, store_id) " +
        "VALUES (@Id, @Hostname, @Version, @AppliedRevision, @LastSeen, @Connected, @ElementCount, @TokenName, @Replica, @StoreId) " +
        "ON CONFLICT (id) DO UPDATE SET hostname = excluded.hostname, version = excluded.version, " +
        "applied_revision = excluded.applied_revision, last_seen = excluded.last_seen, connected = excluded.connected, " +
        "element_count = excluded.element_count, token_name = excluded.token_name, replica = excluded.replica, store_id = excluded.store_id";

    /// <inheritdoc />
    protected override string InsertFirstTokenSql =>
        "INSERT INTO stored_tokens (name, role, sha256, created_at) " +
        "SELECT @Name, @Role, @Sha256, @CreatedAt WHERE NOT EXISTS (SELECT 1 FROM stored_tokens)";

    /// <inheritdoc />
    protected override string CreateSchemaVersionTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)";

    /// <inheritdoc />
    protected override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    /// <inheritdoc />
    protected override async Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(Command(
            "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;", null, null, cancellationToken));

    /// <inheritdoc />
    protected override async Task BeforeMigrationsAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(Command("PRAGMA journal_mode = WAL;", null, null, cancellationToken));

    /// <inheritdoc />
    protected override ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <inheritdoc />
    protected override ValueTask<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));
}
