using System.Data.Common;
using MySqlConnector;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Store.MySql;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Store;

/// <summary>
/// The store contract on a real MariaDB (<see cref="MariaDbDatabase"/>: <c>OUTPUTGUARD_TEST_MYSQL</c> or a
/// private server); each test gets its own database <c>og_&lt;random&gt;</c>.
/// </summary>
public sealed class MariaDbStoreContractTests(MariaDbDatabase mariaDb, ITestOutputHelper output)
    : StoreContract(output), IClassFixture<MariaDbDatabase>
{
    /// <inheritdoc />
    protected override string ExpectedBackend => "mysql";

    /// <inheritdoc />
    protected override Task<string> CreateEmptyDatabaseAsync() => mariaDb.CreateDatabaseAsync();

    /// <inheritdoc />
    protected override Task DropDatabaseAsync(string location) => mariaDb.DropDatabaseAsync(location);

    /// <inheritdoc />
    protected override IControlPlaneStore CreateStore(string location) => new MySqlControlPlaneStore(location, Clock);

    /// <inheritdoc />
    protected override DbConnection CreateRawConnection(string location) => new MySqlConnection(location);

    [Fact]
    public void Legacy_keys_make_a_connection_string_for_the_named_database()
    {
        var text = MySqlConnectionStrings.FromLegacyKeys("db.internal", "3307", "og", "p;w=d", "outputguard");

        var parsed = new MySqlConnectionStringBuilder(text);
        Assert.Equal(("db.internal", 3307u, "og", "p;w=d", "outputguard"), (parsed.Server, parsed.Port, parsed.UserID, parsed.Password, parsed.Database));
        Assert.Equal(3306u, new MySqlConnectionStringBuilder(MySqlConnectionStrings.FromLegacyKeys("db", null, "og", "", "og")).Port);
        Assert.Contains("db_port", Assert.Throws<ArgumentException>(() => MySqlConnectionStrings.FromLegacyKeys("db", "x", "og", "", "og")).Message, StringComparison.Ordinal);
    }
}
