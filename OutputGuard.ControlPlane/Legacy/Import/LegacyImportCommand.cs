using MySqlConnector;
using OutputGuard.Configuration;
using OutputGuard.Configuration.Startup;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Store;
using OutputGuard.ControlPlane.Store.MySql;

namespace OutputGuard.ControlPlane.Legacy.Import;

/// <summary>
/// <c>outputguard-control-plane import-legacy --from "&lt;old MySQL connection&gt;" [--dry-run] [control-plane settings]</c>:
/// the store and internal ranges come from the control plane's own configuration (<c>--config</c>, environment,
/// flags), the rows from the old database. Exit codes: 0 done, 1 a database cannot be used, 2 bad arguments.
/// </summary>
public static class LegacyImportCommand
{
    /// <summary>The command's name, the first argument.</summary>
    public const string Name = "import-legacy";

    private const string Usage = """
        Usage: outputguard-control-plane import-legacy --from "<MySQL connection of the old system>" [--dry-run] [--config FILE | settings]

        Imports the replaced system's crawler_proxies rows into this control plane's store, in one transaction and
        one revision: a domain's rows become one domain entry (the per-address rows are dropped: the domain is
        resolved again), each IP or CIDR row an entry, is_no_del undeletable; internal rows are reported and skipped.
        Entries that exist already are left as they are, so running it twice changes nothing. --dry-run prints the
        same report and writes nothing. --from takes a connection string (Server=…;User ID=…;Password=…;Database=…)
        or the old DSN (user:password@tcp(host:port)/database). The store is the one the control plane's
        configuration names (db_* keys, or data_dir).
        """;

    /// <summary>Runs the command with the arguments after its name.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, IEnumerable<KeyValuePair<string, string?>> environment, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        string? from = null;
        var dryRun = false;
        var rest = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--from" when i + 1 < args.Count:
                    from = args[++i];
                    break;
                case var a when a.StartsWith("--from=", StringComparison.Ordinal):
                    from = a["--from=".Length..];
                    break;
                case "--dry-run":
                    dryRun = true;
                    break;
                case "--help" or "-h":
                    output.WriteLine(Usage);
                    return ExitCodes.Success;
                default:
                    rest.Add(args[i]);
                    break;
            }
        }

        var report = new StartupReport($"{ControlPlaneConfiguration.Program.Name} {Name}", error);
        if (string.IsNullOrWhiteSpace(from))
        {
            error.WriteLine($"{Name}: --from is required: the MySQL connection of the old system");
            error.WriteLine(Usage);
            return ExitCodes.Configuration;
        }

        string oldDatabase;
        try
        {
            oldDatabase = LegacyConnectionString.Parse(from);
        }
        catch (FormatException e)
        {
            error.WriteLine($"{Name}: {e.Message}");
            return ExitCodes.Configuration;
        }

        var loaded = ControlPlaneConfiguration.Load(rest, environment ?? [], output);
        if (report.ExitCodeFor(loaded) is { } exit)
        {
            return exit;
        }

        var options = loaded.Options!;
        var validator = EntryValidator.FromOptions(options);
        IReadOnlyList<LegacyRow> rows;
        try
        {
            rows = await LegacyImporter.ReadRowsAsync(oldDatabase, cancellationToken);
        }
        catch (Exception e) when (e is MySqlException or InvalidOperationException)
        {
            error.WriteLine($"{Name}: cannot read crawler_proxies at {LegacyConnectionString.Describe(oldDatabase)}: {e.Message}");
            return ExitCodes.StartFailure;
        }

        var plan = LegacyImportPlan.From(rows, validator);
        try
        {
            var store = StoreFactory.Create(new StoreOptions
            {
                MySqlConnectionString = options.UsesMySql
                    ? MySqlConnectionStrings.FromLegacyKeys(options.DbServer, options.DbPort.ToString(System.Globalization.CultureInfo.InvariantCulture), options.DbUser, options.DbPassword, options.DbName, options.DbPoolSize)
                    : null,
                DataDirectory = options.DataDir,
            });
            await store.MigrateAsync(cancellationToken);
            // No feed or resolver in this process: a running control plane on the same store picks the revision up.
            await LegacyImporter.RunAsync(plan, store, new AllowList(store, validator, feed: null, resolver: null), dryRun, output, cancellationToken);
            return ExitCodes.Success;
        }
        catch (Exception e) when (StoreOutage.TryDescribe(e, out var reason))
        {
            error.WriteLine($"{Name}: the store cannot be used: {reason}; nothing was imported");
            return ExitCodes.StartFailure;
        }
    }
}
