using System.Data;
using System.Data.Common;
using Dapper;
using OutputGuard.Hosting;
using Polly;

namespace OutputGuard.ControlPlane.Store;

/// <summary>
/// The store's transaction algorithms, written once over <see cref="DbConnection"/> and Dapper; a
/// subclass per SQL dialect supplies the connection, the transaction kinds and the few statements
/// whose spelling differs. Every write runs in one transaction that first locks the <c>state</c>
/// row (<see cref="LockStateSql"/>), so writers are serialised and revisions are gap-free.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage(
    "Reliability", "CA1001", Justification = "The write gates (SemaphoreSlims whose wait handles are never used) hold no unmanaged resource; the store lives as long as the process.")]
public abstract partial class SqlControlPlaneStore : IControlPlaneStore
{
    private const int MaxWriteAttempts = 5;

    /// <summary>Between tries of a write that failed transiently: 5-20 ms times the attempt's number.</summary>
    private static readonly Backoff WriteBackoff = new(DelayBackoffType.Linear, TimeSpan.FromMilliseconds(12.5), TimeSpan.FromSeconds(1), 0.4, 1.6);

    /// <summary>Write transactions of this process at once: they serialise on the state row anyway, so more would only hold connections.</summary>
    private const int MaxConcurrentWrites = 2;

    private static readonly TimeSpan WriteQueueTimeout = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _writers = new(MaxConcurrentWrites, MaxConcurrentWrites);
    private readonly SemaphoreSlim _writerTurns = new(1, 1);
    private readonly RetryLoop _writeRetry;
    private IReadOnlyList<MigrationScript>? _migrations;

    /// <summary>Creates the store; <paramref name="timeProvider"/> stamps entries, revisions and audit rows.</summary>
    protected SqlControlPlaneStore(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        Time = timeProvider;

        // A whole write transaction is tried again on a transient failure (deadlock, lock wait timeout), on real time.
        _writeRetry = new RetryLoop(WriteBackoff, TimeProvider.System, handles: e => IsTransient(e), maxRetries: MaxWriteAttempts - 1);
    }

    /// <inheritdoc />
    public abstract string Backend { get; }

    /// <summary>The clock for every timestamp this store writes.</summary>
    protected TimeProvider Time { get; }

    /// <summary>
    /// Reads the <c>state</c> row as <c>Revision</c>, <c>RevisionTime</c>, <c>LogFloor</c> at the start of
    /// every write transaction, taking the writers' lock where the dialect needs it (MySQL: FOR UPDATE).
    /// </summary>
    protected abstract string LockStateSql { get; }

    /// <summary>Inserts an entry (parameters Value, Kind, Ports, Note, Undeletable, CreatedBy, CreatedAt) and returns its id.</summary>
    protected abstract string InsertEntrySql { get; }

    /// <summary>Inserts or replaces a gateway row (parameters named like <see cref="GatewayRow"/>'s properties).</summary>
    protected abstract string UpsertGatewaySql { get; }

    /// <summary>Inserts a token (Name, Role, Sha256, CreatedAt) only when <c>stored_tokens</c> is empty.</summary>
    protected abstract string InsertFirstTokenSql { get; }

    /// <summary>Creates <c>schema_version (version, applied_at)</c> when it does not exist.</summary>
    protected abstract string CreateSchemaVersionTableSql { get; }

    /// <summary>The folder under <c>Store/Migrations</c> that holds this dialect's scripts.</summary>
    protected abstract string MigrationDialect { get; }

    /// <summary>Creates a connection that is not open yet.</summary>
    protected abstract DbConnection CreateConnection();

    /// <summary>Begins a transaction that may write; writers must not interleave (SQLite: BEGIN IMMEDIATE).</summary>
    protected abstract ValueTask<DbTransaction> BeginWriteTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Begins a read-only transaction whose reads all see one committed state.</summary>
    protected abstract ValueTask<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this process's write transactions take turns, in arrival order, before they reach the database.
    /// SQLite admits one writer at a time and lets waiters poll with growing sleeps, which a steady stream of
    /// short writes (traffic report chunks) can starve; taking turns here bounds any writer's wait by one
    /// transaction. MySQL locks rows, so its writers need no turns.
    /// </summary>
    protected virtual bool WritersTakeTurns => false;

    /// <summary>Whether a failed write transaction may be retried as a whole (deadlock, lock wait timeout).</summary>
    protected virtual bool IsTransient(Exception exception) => false;

    /// <summary>Runs once per opened connection (e.g. SQLite pragmas).</summary>
    protected virtual Task OnOpenedAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs before the migrations on their connection: take a cross-process lock, set up the file.</summary>
    protected virtual Task BeforeMigrationsAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after the migrations, also when they failed: release what <see cref="BeforeMigrationsAsync"/> took.</summary>
    protected virtual Task AfterMigrationsAsync(DbConnection connection) => Task.CompletedTask;

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        _migrations ??= MigrationScript.Load(MigrationDialect);
        await using var connection = await OpenAsync(cancellationToken);
        await BeforeMigrationsAsync(connection, cancellationToken);
        try
        {
            await connection.ExecuteAsync(Command(CreateSchemaVersionTableSql, null, null, cancellationToken));
            foreach (var script in _migrations)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                var applied = await connection.ExecuteScalarAsync<long>(Command(
                    "SELECT COUNT(*) FROM schema_version WHERE version = @Version", new { script.Version }, transaction, cancellationToken));
                if (applied > 0)
                {
                    continue;
                }

                foreach (var statement in script.Statements)
                {
                    await connection.ExecuteAsync(Command(statement, null, transaction, cancellationToken));
                }

                await connection.ExecuteAsync(Command(
                    "INSERT INTO schema_version (version, applied_at) VALUES (@Version, @AppliedAt)",
                    new { script.Version, AppliedAt = Time.GetUtcNow().ToUnixTimeMilliseconds() },
                    transaction,
                    cancellationToken));
                await transaction.CommitAsync(CancellationToken.None);
            }
        }
        finally
        {
            await AfterMigrationsAsync(connection);
        }
    }

    /// <summary>Opens a connection and prepares it.</summary>
    protected async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken);
            await OnOpenedAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A Dapper command with parameters, transaction and cancellation.</summary>
    protected static CommandDefinition Command(string sql, object? parameters, IDbTransaction? transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction that begins by reading (and locking) the
    /// state row, commits it, and retries the whole transaction on a transient failure. At most
    /// <see cref="MaxConcurrentWrites"/> run at once; the others queue here (not on database connections), and
    /// one that has queued for <see cref="WriteQueueTimeout"/> fails with a <see cref="TimeoutException"/>.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<WriteScope, Task<T>> work, CancellationToken cancellationToken)
    {
        if (!await _writers.WaitAsync(WriteQueueTimeout, cancellationToken))
        {
            throw new TimeoutException($"a write waited {WriteQueueTimeout.TotalSeconds:0} s for the store's other writes to finish");
        }

        try
        {
            return await WriteOnceAsync(work, cancellationToken);
        }
        finally
        {
            _writers.Release();
        }
    }

    private Task<T> WriteOnceAsync<T>(Func<WriteScope, Task<T>> work, CancellationToken cancellationToken) =>
        _writeRetry.RunAsync(
            async _ =>
            {
                using var turn = await TakeWriterTurnAsync(cancellationToken);
                await using var connection = await OpenAsync(cancellationToken);
                await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
                var state = await connection.QuerySingleAsync<StateRow>(Command(LockStateSql, null, transaction, cancellationToken));
                var result = await work(new WriteScope(connection, transaction, state, cancellationToken));
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            },
            cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction that does not touch the state row (a chunk of a
    /// traffic report, a registry update), taking this process's writer turn; retried on a transient failure.
    /// </summary>
    private Task<T> WriteChunkAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        _writeRetry.RunAsync(
            async _ =>
            {
                using var turn = await TakeWriterTurnAsync(cancellationToken);
                await using var connection = await OpenAsync(cancellationToken);
                await using var transaction = await BeginWriteTransactionAsync(connection, cancellationToken);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            },
            cancellationToken);

    private async ValueTask<WriterTurn> TakeWriterTurnAsync(CancellationToken cancellationToken)
    {
        if (!WritersTakeTurns)
        {
            return default;
        }

        await _writerTurns.WaitAsync(cancellationToken);
        return new WriterTurn(_writerTurns);
    }

    /// <summary>Runs <paramref name="work"/> in one read transaction.</summary>
    private async Task<T> ReadAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await BeginReadTransactionAsync(connection, cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(CancellationToken.None);
        return result;
    }

    private static DateTimeOffset FromUnixMs(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);

    /// <summary>This process's turn to write; disposing it lets the next writer in.</summary>
    private readonly struct WriterTurn(SemaphoreSlim? turns) : IDisposable
    {
        public void Dispose() => turns?.Release();
    }

    /// <summary>An open write transaction and the state row read at its start.</summary>
    private readonly record struct WriteScope(DbConnection Connection, DbTransaction Transaction, StateRow State, CancellationToken CancellationToken)
    {
        public CommandDefinition Command(string sql, object? parameters = null) =>
            SqlControlPlaneStore.Command(sql, parameters, Transaction, CancellationToken);
    }
}
