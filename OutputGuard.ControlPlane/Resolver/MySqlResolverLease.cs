using MySqlConnector;
using OutputGuard.Hosting;
using Polly;

namespace OutputGuard.ControlPlane.Resolver;

/// <summary>
/// The resolver lease on MySQL/MariaDB: <c>GET_LOCK</c> on a dedicated, unpooled connection held while
/// leading. The connection's <c>wait_timeout</c> is the lease, and the holder checks the lock every third
/// of it, so the server frees the lock within the lease when the holder dies or is cut off; the holder
/// gives up leading as soon as a check fails. Others try to take the lock every third of the lease.
/// </summary>
public sealed partial class MySqlResolverLease : IResolverLease
{
    private readonly string _connectionString;
    private readonly TimeSpan _lease;
    private readonly ILogger<MySqlResolverLease> _logger;
    private readonly RetryLoop _retry;
    private bool _unavailable;

    /// <summary>Creates the lease for the database of <paramref name="connectionString"/>.</summary>
    public MySqlResolverLease(string connectionString, TimeSpan lease, ILogger<MySqlResolverLease> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new MySqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ConnectionTimeout = (uint)Math.Max(1, lease.TotalSeconds / 3),
            DefaultCommandTimeout = (uint)Math.Max(1, lease.TotalSeconds / 3),
        };
        _connectionString = builder.ConnectionString;
        var name = "outputguard_resolver:" + builder.Database;
        LockName = name.Length > 64 ? name[..64] : name; // MySQL's limit for lock names.
        _lease = lease;
        _logger = logger;

        // Every third of the lease, give or take a fifth, whether the lock was busy or the connection failed.
        _retry = new RetryLoop(
            new Backoff(DelayBackoffType.Constant, CheckEvery, CheckEvery, 0.8, 1.2),
            TimeProvider.System,
            handles: e => e is MySqlException or InvalidOperationException or TimeoutException or IOException);
    }

    /// <summary>The advisory lock's name (per database, so several deployments can share a server).</summary>
    public string LockName { get; }

    private TimeSpan CheckEvery => _lease / 3;

    /// <inheritdoc />
    public async Task<ResolverLeadership> AcquireAsync(CancellationToken cancellationToken)
    {
        // One connection serves every try until it fails; the lock is tried every third of the lease (jittered),
        // and a failed connection is opened again after as long.
        MySqlConnection? connection = null;
        try
        {
            var leadership = await _retry.PollAsync(async run => await TryTakeAsync(connection ??= new MySqlConnection(_connectionString), run.CancellationToken), cancellationToken);
            connection = null;
            return leadership;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }

        async ValueTask<ResolverLeadership?> TryTakeAsync(MySqlConnection open, CancellationToken ct)
        {
            try
            {
                if (open.State != System.Data.ConnectionState.Open)
                {
                    await open.OpenAsync(ct);
                    await using var setup = new MySqlCommand("SET SESSION wait_timeout = @Seconds", open);
                    setup.Parameters.AddWithValue("@Seconds", (int)Math.Ceiling(_lease.TotalSeconds));
                    await setup.ExecuteNonQueryAsync(ct);
                }

                await using var take = new MySqlCommand("SELECT GET_LOCK(@Name, 0)", open);
                take.Parameters.AddWithValue("@Name", LockName);
                _unavailable = false;
                return Convert.ToInt64(await take.ExecuteScalarAsync(ct) ?? 0L, System.Globalization.CultureInfo.InvariantCulture) == 1
                    ? Lead(open)
                    : null;
            }
            catch (Exception e) when (e is MySqlException or InvalidOperationException or TimeoutException or IOException)
            {
                await open.DisposeAsync();
                connection = null;
                if (!_unavailable)
                {
                    LogLeaseUnavailable(_logger, e.Message);
                    _unavailable = true;
                }

                throw;
            }
        }
    }

    private ResolverLeadership Lead(MySqlConnection connection)
    {
        var stop = new CancellationTokenSource();
        Task? heartbeat = null;
        var leadership = new ResolverLeadership(async () =>
        {
            await stop.CancelAsync();
            if (heartbeat is not null)
            {
                await heartbeat.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            // Closing the unpooled connection frees the lock even if RELEASE_LOCK cannot be sent.
            await connection.DisposeAsync();
            stop.Dispose();
        });
        heartbeat = Task.Run(() => HeartbeatAsync(connection, leadership, stop.Token));
        return leadership;
    }

    private async Task HeartbeatAsync(MySqlConnection connection, ResolverLeadership leadership, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(CheckEvery, stop);
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
                deadline.CancelAfter(CheckEvery);
                await using var check = new MySqlCommand("SELECT IS_USED_LOCK(@Name) = CONNECTION_ID()", connection);
                check.Parameters.AddWithValue("@Name", LockName);
                var held = await check.ExecuteScalarAsync(deadline.Token);
                if (held is null or DBNull || Convert.ToInt64(held, System.Globalization.CultureInfo.InvariantCulture) != 1)
                {
                    LogLeaseLost(_logger, "the lock is no longer held by this connection");
                    leadership.MarkLost();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            LogLeaseLost(_logger, e.Message);
            leadership.MarkLost();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "resolver lease: the lock connection failed ({Reason}); trying again until it works")]
    private static partial void LogLeaseUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "resolver lease lost: {Reason}")]
    private static partial void LogLeaseLost(ILogger logger, string reason);
}
