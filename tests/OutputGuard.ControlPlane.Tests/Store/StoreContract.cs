using System.Data.Common;
using System.Net;
using Dapper;
using OutputGuard.Addressing;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>
/// The behaviour every <see cref="IControlPlaneStore"/> backend must show. Each test gets its own empty,
/// migrated database; a subclass per backend says how to make one and how to reach it with raw SQL.
/// </summary>
public abstract partial class StoreContract(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<string> _locations = [];

    /// <summary>The clock every store of this test uses.</summary>
    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The store under test, migrated.</summary>
    protected IControlPlaneStore Store { get; private set; } = null!;

    /// <summary>Where this test's database is (a directory or a connection string).</summary>
    protected string Location { get; private set; } = string.Empty;

    /// <summary>Test output (numbers worth reading, such as throughput).</summary>
    protected ITestOutputHelper Output { get; } = output;

    /// <summary>"sqlite" or "mysql".</summary>
    protected abstract string ExpectedBackend { get; }

    private static CancellationToken Ct => CancellationToken.None;

    /// <summary>Makes an empty database and returns its location.</summary>
    protected abstract Task<string> CreateEmptyDatabaseAsync();

    /// <summary>Removes a database made by <see cref="CreateEmptyDatabaseAsync"/>.</summary>
    protected abstract Task DropDatabaseAsync(string location);

    /// <summary>A new store instance (not migrated) on the database at <paramref name="location"/>.</summary>
    protected abstract IControlPlaneStore CreateStore(string location);

    /// <summary>A raw connection, not opened, to the database at <paramref name="location"/>.</summary>
    protected abstract DbConnection CreateRawConnection(string location);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Location = await NewDatabaseAsync();
        Store = CreateStore(Location);
        await Store.MigrateAsync(Ct);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var location in _locations)
        {
            await DropDatabaseAsync(location);
        }
    }

    [Fact]
    public void Store_names_its_backend() => Assert.Equal(ExpectedBackend, Store.Backend);

    /// <summary>An empty database that is dropped after the test.</summary>
    protected async Task<string> NewDatabaseAsync()
    {
        var location = await CreateEmptyDatabaseAsync();
        _locations.Add(location);
        return location;
    }

    /// <summary>Runs raw SQL (with parameters) on this test's database, as something outside the store would.</summary>
    protected async Task<int> ExecuteRawAsync(string sql, object? parameters = null)
    {
        await using var connection = CreateRawConnection(Location);
        await connection.OpenAsync();
        return await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>Reads one value with raw SQL from the database at <paramref name="location"/>.</summary>
    protected async Task<T?> ScalarRawAsync<T>(string sql, object? parameters = null, string? location = null)
    {
        await using var connection = CreateRawConnection(location ?? Location);
        await connection.OpenAsync();
        return await connection.ExecuteScalarAsync<T>(sql, parameters);
    }

    /// <summary>An IP entry (a host prefix) with optional port rules.</summary>
    protected static NewEntry Ip(string hostPrefix, params string[] ports) =>
        new(hostPrefix, EntryKind.Ip, Rules(ports), string.Empty, Undeletable: false);

    /// <summary>A CIDR entry with optional port rules.</summary>
    protected static NewEntry Cidr(string prefix, params string[] ports) =>
        new(prefix, EntryKind.Cidr, Rules(ports), string.Empty, Undeletable: false);

    /// <summary>A domain entry.</summary>
    protected static NewEntry Domain(string name, params string[] ports) =>
        new(name, EntryKind.Domain, Rules(ports), string.Empty, Undeletable: false);

    /// <summary>The canonical host prefix of an address.</summary>
    protected static string HostOf(string address) => IpPrefix.Host(IPAddress.Parse(address)).ToString();

    /// <summary>Creates an entry that must be created, returning it.</summary>
    protected async Task<Entry> CreatedAsync(NewEntry entry, string actor = "ops")
    {
        var result = await Store.CreateEntryAsync(entry, actor, Ct);
        Assert.Equal(EntryWriteOutcome.Created, result.Outcome);
        return result.Entry!;
    }

    private static IReadOnlyList<PortRule> Rules(params string[] ports)
    {
        var rules = PortRules.Normalize(ports, out var error);
        Assert.Null(error);
        return rules;
    }
}
