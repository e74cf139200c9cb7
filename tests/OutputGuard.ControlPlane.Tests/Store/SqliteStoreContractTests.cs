using System.Data.Common;
using Microsoft.Data.Sqlite;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Store.Sqlite;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>The store contract on the embedded SQLite backend; each test gets a fresh data directory.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class SqliteStoreContractTests(TempDirectory directory, ITestOutputHelper output)
    : StoreContract(output), IClassFixture<TempDirectory>
{
    /// <inheritdoc />
    protected override string ExpectedBackend => "sqlite";

    /// <inheritdoc />
    protected override Task<string> CreateEmptyDatabaseAsync() => Task.FromResult(directory.NewSubdirectory());

    /// <inheritdoc />
    protected override Task DropDatabaseAsync(string location) => Task.CompletedTask;

    /// <inheritdoc />
    protected override IControlPlaneStore CreateStore(string location) => new SqliteControlPlaneStore(location, Clock);

    /// <inheritdoc />
    protected override DbConnection CreateRawConnection(string location) =>
        new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(location, SqliteControlPlaneStore.FileName),
            Pooling = false,
        }.ToString());

    [Fact]
    public async Task Database_file_is_in_wal_mode_in_the_data_directory()
    {
        Assert.True(File.Exists(Path.Combine(Location, SqliteControlPlaneStore.FileName)));
        Assert.Equal("wal", await ScalarRawAsync<string>("PRAGMA journal_mode"));
    }
}
