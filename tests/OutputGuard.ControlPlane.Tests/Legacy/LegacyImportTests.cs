using Dapper;
using MySqlConnector;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Legacy.Import;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Legacy;

/// <summary>
/// import-legacy against a real MariaDB: the old crawler_proxies table, seeded as the replaced system kept it (a
/// domain per resolved address, IPs, a CIDR, an undeletable row, internal rows), imported into a control plane's
/// MariaDB store in one revision; a dry run and a second import change nothing.
/// </summary>
public sealed class LegacyImportTests(MariaDbDatabase mariaDb) : IClassFixture<MariaDbDatabase>, IDisposable
{
    private const string OldSchema = """
        CREATE TABLE crawler_proxies (
            id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
            types VARCHAR(191),
            ip VARCHAR(191),
            name VARCHAR(191),
            is_no_del TINYINT(1) DEFAULT 0,
            is_local_net TINYINT(1) DEFAULT 0,
            created_at DATETIME(3) NULL
        )
        """;

    private static readonly (string Types, string Ip, string Name, bool NoDel, bool LocalNet)[] OldRows =
    [
        ("Domain", "203.0.113.10", "api.example.com", false, false),
        ("Domain", "203.0.113.11", "api.example.com", false, false),
        ("Domain", "203.0.113.12", "api.example.com", false, false),
        ("Domain", "198.51.100.5", "cdn.example.org", true, false),
        ("Domain", "198.51.100.6", "cdn.example.org", false, false),
        ("IP", "203.0.113.20", "", false, false),
        ("IP", "192.0.2.0/24", "", false, false),
        ("IP", "203.0.113.30", "", true, false),
        ("IP", "10.0.0.5", "", false, true),
        ("IP", "192.168.7.7", "", false, false),
        ("IP", "203.0.113.20", "", false, false),
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("og-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> SeedOldDatabaseAsync()
    {
        var old = await mariaDb.CreateDatabaseAsync();
        await using var connection = new MySqlConnection(old);
        await connection.ExecuteAsync(OldSchema);
        foreach (var row in OldRows)
        {
            await connection.ExecuteAsync(
                "INSERT INTO crawler_proxies (types, ip, name, is_no_del, is_local_net, created_at) VALUES (@Types, @Ip, @Name, @NoDel, @LocalNet, NOW(3))",
                new { row.Types, row.Ip, row.Name, row.NoDel, row.LocalNet });
        }

        return old;
    }

    /// <summary>The control plane's configuration file for a store in <paramref name="target"/>.</summary>
    private string ConfigFor(string target)
    {
        var b = new MySqlConnectionStringBuilder(target);
        var file = Path.Combine(_dir, $"{b.Database}.yaml");
        File.WriteAllText(file, $"""
            db_server: {b.Server}
            db_port: {b.Port}
            db_user: {b.UserID}
            db_password: "{b.Password}"
            db_name: {b.Database}
            treat_as_public: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24]
            """);
        return file;
    }

    /// <summary>The configuration file of a SQLite store in <paramref name="dataDir"/>.</summary>
    private string SqliteConfigFor(string dataDir)
    {
        var file = Path.Combine(_dir, "sqlite.yaml");
        File.WriteAllText(file, $"""
            data_dir: {dataDir}
            treat_as_public: [192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24]
            """);
        return file;
    }

    private static async Task<(int Exit, string Output, string Error)> ImportAsync(string from, string config, bool dryRun)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        List<string> args = ["--from", from, "--config", config];
        if (dryRun)
        {
            args.Add("--dry-run");
        }

        var exit = await LegacyImportCommand.RunAsync(args, [], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string Shape(Entry e) => $"{e.Name} {e.Value} {e.Kind} [{string.Join(',', e.Ports)}] {e.Undeletable} {e.CreatedBy} {e.CreatedAt:O} {e.Note}";

    private static async Task<(IReadOnlyList<Entry> Entries, long Revision, int AuditRows)> ReadAsync(string target)
    {
        var store = StoreFactory.Create(new StoreOptions { MySqlConnectionString = target, DataDirectory = "unused" });
        var entries = await store.ListEntriesAsync(new EntryFilter(), 0, 100, default);
        var audit = await store.ListAuditEventsAsync(new Audit.AuditFilter(), 0, 1000, default);
        return (entries, await store.GetRevisionAsync(default), audit.Count);
    }

    [Fact]
    public async Task Old_rows_become_entries_in_one_revision_and_internal_rows_are_reported_and_skipped()
    {
        var old = await SeedOldDatabaseAsync();
        var target = await mariaDb.CreateDatabaseAsync();

        var (exit, output, error) = await ImportAsync(old, ConfigFor(target), dryRun: false);

        Assert.True(exit == 0, error);
        var (entries, revision, _) = await ReadAsync(target);
        Assert.Equal(
            [
                ("api.example.com", EntryKind.Domain, false),
                ("cdn.example.org", EntryKind.Domain, true),
                ("203.0.113.20/32", EntryKind.Ip, false),
                ("192.0.2.0/24", EntryKind.Cidr, false),
                ("203.0.113.30/32", EntryKind.Ip, true),
            ],
            entries.Select(e => (e.Value, e.Kind, e.Undeletable)));
        Assert.All(entries, e => Assert.Equal(LegacyImporter.Actor, e.CreatedBy));
        Assert.Equal(1, revision);
        Assert.Contains("created: domain api.example.com, from row(s) 1, 2, 3; its 3 address row(s) dropped, the domain is resolved again", output, StringComparison.Ordinal);
        Assert.Contains("skipped: row 9 '10.0.0.5': internal (is_local_net): internal addresses are never allowed", output, StringComparison.Ordinal);
        Assert.Contains("skipped: row 10 '192.168.7.7': ", output, StringComparison.Ordinal);
        Assert.Contains("imported: 11 row(s) read; 5 entries created, 0 unchanged, 0 conflict(s), 2 row(s) skipped; revision 0 -> 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_prints_exactly_what_the_import_then_does_and_changes_nothing()
    {
        var old = await SeedOldDatabaseAsync();
        var target = await mariaDb.CreateDatabaseAsync();
        var config = ConfigFor(target);

        var dry = await ImportAsync(old, config, dryRun: true);
        var afterDryRun = await ReadAsync(target);
        var real = await ImportAsync(old, config, dryRun: false);

        Assert.Equal(0, dry.Exit);
        Assert.Empty(afterDryRun.Entries);
        Assert.Equal(0, afterDryRun.Revision);
        Assert.Equal(
            real.Output,
            dry.Output.Replace("would create", "created", StringComparison.Ordinal).Replace("dry run, nothing written", "imported", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_second_import_and_a_dry_run_after_it_change_nothing()
    {
        var old = await SeedOldDatabaseAsync();
        var target = await mariaDb.CreateDatabaseAsync();
        var config = ConfigFor(target);
        await ImportAsync(old, config, dryRun: false);
        var first = await ReadAsync(target);

        var again = await ImportAsync(old, config, dryRun: false);
        var dry = await ImportAsync(old, config, dryRun: true);
        var second = await ReadAsync(target);

        Assert.Equal(0, again.Exit);
        Assert.Contains("0 entries created, 5 unchanged, 0 conflict(s), 2 row(s) skipped; revision 1 -> 1", again.Output, StringComparison.Ordinal);
        Assert.Contains("0 entries would create, 5 unchanged", dry.Output, StringComparison.Ordinal);
        Assert.Equal(first.Entries.Select(Shape), second.Entries.Select(Shape));
        Assert.Equal((first.Revision, first.AuditRows), (second.Revision, second.AuditRows));
    }

    [Fact]
    public async Task An_entry_that_exists_with_another_definition_is_kept_and_reported()
    {
        var old = await SeedOldDatabaseAsync();
        var target = await mariaDb.CreateDatabaseAsync();
        var config = ConfigFor(target);
        var store = StoreFactory.Create(new StoreOptions { MySqlConnectionString = target, DataDirectory = "unused" });
        await store.MigrateAsync(default);
        await store.CreateEntryAsync(new NewEntry("203.0.113.30/32", EntryKind.Ip, [], string.Empty, false), "ops", default);

        var (exit, output, _) = await ImportAsync(old, config, dryRun: false);

        Assert.Equal(0, exit);
        Assert.Contains("conflict: ip 203.0.113.30 (undeletable): entries/1 allows it with ports [] and undeletable=false; kept as it is", output, StringComparison.Ordinal);
        Assert.False((await store.FindEntryByValueAsync("203.0.113.30/32", default))!.Undeletable);
    }

    [Fact]
    public async Task An_unreachable_old_database_fails_with_exit_1_and_writes_nothing()
    {
        var target = await mariaDb.CreateDatabaseAsync();
        var b = new MySqlConnectionStringBuilder(target) { Database = "og_does_not_exist_" + Guid.NewGuid().ToString("N")[..8] };

        var (exit, _, error) = await ImportAsync(b.ConnectionString, ConfigFor(target), dryRun: false);

        Assert.Equal(1, exit);
        Assert.StartsWith("import-legacy: cannot read crawler_proxies at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain(b.Password, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("og:s3cret@tcp(127.0.0.1:3307)/proxy?charset=utf8mb4&parseTime=True", "127.0.0.1", 3307u, "og", "s3cret", "proxy")]
    [InlineData("root@tcp(db.internal)/old", "db.internal", 3306u, "root", "", "old")]
    public void The_old_go_dsn_is_accepted_as_from(string dsn, string server, uint port, string user, string password, string database)
    {
        var b = new MySqlConnectionStringBuilder(LegacyConnectionString.Parse(dsn));

        Assert.Equal((server, port, user, password, database), (b.Server, b.Port, b.UserID, b.Password, b.Database));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("mariadb")]
    public async Task Entries_imported_into_a_running_control_planes_store_reach_its_gateway_streams(string backend)
    {
        var old = await SeedOldDatabaseAsync();
        var target = backend == "mariadb" ? await mariaDb.CreateDatabaseAsync() : null;
        await using var server = await ControlPlaneServer.StartAsync(mysqlConnectionString: target);
        var storeId = await server.Store.GetStoreIdAsync(default);
        await using var stream = await SyncClient.ConnectAsync(server.Channel(TestTokens.Gateway), "gw-import", 0, storeId: storeId);
        await stream.ResponseHeadersAsync;

        // Another store instance, as the separate import-legacy process has: nothing wakes the server's feed but its poll.
        var (exit, _, error) = await ImportAsync(old, target is null ? SqliteConfigFor(server.Options.DataDir) : ConfigFor(target), dryRun: false);
        var delta = (await stream.NextAsync(TimeSpan.FromSeconds(30))).Delta;

        Assert.Equal((0, string.Empty), (exit, error));
        Assert.Equal(1, delta.Revision);
        Assert.Equal(["192.0.2.0/24", "203.0.113.20/32", "203.0.113.30/32"], delta.Add.Select(d => d.Prefix).Order(StringComparer.Ordinal));
    }
}
