using System.Data;
using System.Data.Common;
using Dapper;
using MySqlConnector;

namespace OutputGuard.ControlPlane.Store.MySql;

/// <summary>
/// The shared store on MySQL or MariaDB (InnoDB). Every writing transaction first locks the single
/// <c>state</c> row FOR UPDATE, so writers in any number of processes serialise and revisions stay
/// gap-free; a deadlock or lock wait timeout retries the whole transaction a few times.
/// </summary>
public sealed class MySqlControlPlaneStore : SqlControlPlaneStore
{
    private const string MigrationLockName = "outputguard_migrate";
    private const int MigrationLockSeconds = 30;
    private readonly string _connectionString;

    /// <summary>Creates a store on the database that <paramref name="connectionString"/> names.</summary>
    /// <param name="connectionString">A MySqlConnector connection string with a database (see <see cref="MySqlConnectionStrings"/>).</param>
    /// <param name="timeProvider">The clock for timestamps.</param>
    public MySqlControlPlaneStore(string connectionString, TimeProvider timeProvider)
        : base(timeProvider)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException("The MySQL connection string names no database (db_name).", nameof(connectionString));
        }

        DatabaseName = builder.Database;
        _connectionString = builder.ConnectionString;
    }

    /// <summary>The database this store uses.</summary>
    public string DatabaseName { get; }

    /// <inheritdoc />
    public override string Backend => "mysql";

    /// <inheritdoc />
    protected override string MigrationDialect => "mysql";

    /// <inheritdoc />
    protected override string LockStateSql =>
        "SELECT revision AS Revision, revision_time AS RevisionTime, log_floor AS LogFloor FROM state WHERE id = 1 FOR UPDATE";

    /// <inheritdoc />
    protected override string InsertEntrySql =>
        "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at) " +
        "VALUES (@Value, @Kind, @Ports, @Note, @Undeletable, @CreatedBy, @CreatedAt); SELECT LAST_INSERT_ID();";

    /// <inheritdoc />
    protected override string UpsertGatewaySql =>
        "INSERT INTO gateways (id, hostname, version, applied_revision, last_seen, connected, element_count, token_name, replica, store_id, observe, kind) " +
        "VALUES (@Id, @Hostname, @Version, @AppliedRevision, @LastSeen, @Connected, @ElementCount, @TokenName, @Replica, @StoreId, @Observe, @Kind) " +
        "ON DUPLICATE KEY UPDATE hostname = VALUES(hostname), version = VALUES(version), " +
        "applied_revision = VALUES(applied_revision), last_seen = VALUES(last_seen), connected = VALUES(connected), " +
        "element_count = VALUES(element_count), token_name = VALUES(token_name), replica = VALUES(replica), store_id = VALUES(store_id), observe = VALUES(observe), kind = VALUES(kind)";

    /// <inheritdoc />
    protected override string InsertFirstTokenSql =>
        "INSERT INTO stored_tokens (name, role, sha256, created_at) " +
        "SELECT @Name, @Role, @Sha256, @CreatedAt FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM stored_tokens)";

    /// <inheritdoc />
    protected override string CreateSchemaVersionTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL) ENGINE = InnoDB";

    /// <inheritdoc />
    protected override bool RowsInOneStatement => true;

    /// <inheritdoc />
    protected override string Upsert(string key, params string[] columns) =>
        $"ON DUPLICATE KEY UPDATE {string.Join(", ", columns.Select(c => $"{c} = VALUES({c})"))}";

    /// <inheritdoc />
    protected override DbConnection CreateConnection() => new MySqlConnection(_connectionString);

    /// <inheritdoc />
    protected override async ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((MySqlConnection)connection).BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    /// <inheritdoc />
    protected override async ValueTask<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await ((MySqlConnection)connection).BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    /// <inheritdoc />
    protected override bool IsTransient(Exception exception) =>
        exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout };

    /// <inheritdoc />
    protected override async Task BeforeMigrationsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var got = await connection.ExecuteScalarAsync<long?>(Command(
            "SELECT GET_LOCK(@Name, @Seconds)", new { Name = MigrationLockName, Seconds = MigrationLockSeconds }, null, cancellationToken));
        if (got != 1)
        {
            throw new TimeoutException(
                $"Another control plane has held the migration lock '{MigrationLockName}' on database '{DatabaseName}' for {MigrationLockSeconds} s.");
        }
    }

    /// <inheritdoc />
    protected override async Task AfterMigrationsAsync(DbConnection connection) =>
        await connection.ExecuteAsync(Command("SELECT RELEASE_LOCK(@Name)", new { Name = MigrationLockName }, null, CancellationToken.None));
}
