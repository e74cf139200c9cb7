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
        DatabasePath = Path.GetFullPath(Path.Combine(dataDirectory, FileName));
        CreatePrivately(dataDirectory, DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    /// <summary>Only the owner may read the store: files 0600, a data directory created here 0700.</summary>
    public const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The mode of a data directory this store creates.</summary>
    public const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public override string Backend => "sqlite";

    /// <summary>
    /// Creates the data directory (0700) and the database file (0600) before SQLite opens it, so the store is never
    /// readable by others, not even for a moment; SQLite gives its -wal and -shm files the database file's mode.
    /// Files of an existing store that others could read are made private.
    /// </summary>
    private static void CreatePrivately(string dataDirectory, string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(dataDirectory);
            return;
        }

        if (!Directory.Exists(dataDirectory))
        {
            Directory.CreateDirectory(dataDirectory, PrivateDirectory);
        }

        try
        {
            using var created = new FileStream(databasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = PrivateFile,
            });
        }
        catch (IOException) when (File.Exists(databasePath))
        {
            // The store exists already (or another process created it just now).
        }

        foreach (var path in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
        {
            if (File.Exists(path) && (File.GetUnixFileMode(path) & ~PrivateFile) != 0)
            {
                File.SetUnixFileMode(path, PrivateFile);
            }
        }
    }

    /// <inheritdoc />
    protected override string MigrationDialect => "sqlite";

    /// <inheritdoc />
    protected override bool WritersTakeTurns => true;

    /// <inheritdoc />
    protected override string LockStateSql =>
        "SELECT revision AS Revision, revision_time AS RevisionTime, log_floor AS LogFloor FROM state WHERE id = 1";

    /// <inheritdoc />
    protected override int ParametersPerStatement => 96;

    /// <inheritdoc />
    protected override string InsertEntrySql =>
        "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at) " +
        "VALUES (@Value, @Kind, @Ports, @Note, @Undeletable, @CreatedBy, @CreatedAt) RETURNING id";

    /// <inheritdoc />
    protected override string UpsertGatewaySql =>
        "INSERT INTO gateways (id, hostname, version, applied_revision, last_seen, connected, element_count, token_name, replica, store_id, observe, kind) " +
        "VALUES (@Id, @Hostname, @Version, @AppliedRevision, @LastSeen, @Connected, @ElementCount, @TokenName, @Replica, @StoreId, @Observe, @Kind) " +
        "ON CONFLICT (id) DO UPDATE SET hostname = excluded.hostname, version = excluded.version, " +
        "applied_revision = excluded.applied_revision, last_seen = excluded.last_seen, connected = excluded.connected, " +
        "element_count = excluded.element_count, token_name = excluded.token_name, replica = excluded.replica, store_id = excluded.store_id, observe = excluded.observe, kind = excluded.kind";

    /// <inheritdoc />
    protected override string InsertFirstTokenSql =>
        "INSERT INTO stored_tokens (name, role, sha256, created_at) " +
        "SELECT @Name, @Role, @Sha256, @CreatedAt WHERE NOT EXISTS (SELECT 1 FROM stored_tokens)";

    /// <inheritdoc />
    protected override string CreateSchemaVersionTableSql =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)";

    /// <inheritdoc />
    protected override string Upsert(string key, params string[] columns) =>
        $"ON CONFLICT ({key}) DO UPDATE SET {string.Join(", ", columns.Select(c => $"{c} = excluded.{c}"))}";

    /// <inheritdoc />
    protected override DbConnection CreateConnection() => new InterruptibleConnection(_connectionString);

    /// <inheritdoc />
    protected override async Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(Command(
            "PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;", null, null, cancellationToken));
        ((InterruptibleConnection)connection).InterruptOn(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task BeforeMigrationsAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(Command("PRAGMA journal_mode = WAL;", null, null, cancellationToken));

    /// <inheritdoc />
    protected override ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    /// <inheritdoc />
    protected override ValueTask<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        ValueTask.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    /// <summary>
    /// A connection whose running statement is interrupted (sqlite3_interrupt) when the caller's token is cancelled:
    /// SqliteCommand ignores cancellation once a statement runs, so a long scan would outlive the call. The
    /// registration ends before the connection goes back to the pool, so it can never interrupt another caller.
    /// </summary>
    private sealed class InterruptibleConnection(string connectionString) : SqliteConnection(connectionString)
    {
        private CancellationTokenRegistration _interrupt;

        public void InterruptOn(CancellationToken cancellationToken) =>
            _interrupt = cancellationToken.Register(
                static c =>
                {
                    if (((SqliteConnection)c!).Handle is { } handle)
                    {
                        SQLitePCL.raw.sqlite3_interrupt(handle);
                    }
                },
                this);

        public override async ValueTask DisposeAsync()
        {
            await _interrupt.DisposeAsync();
            await base.DisposeAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _interrupt.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
