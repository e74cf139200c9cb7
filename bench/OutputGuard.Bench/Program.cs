// OutputGuard benchmarks: a small harness that prints tables with ratios against a baseline
// measured in the same run. MariaDB: set OUTPUTGUARD_TEST_MYSQL (a server connection string; a
// database og_bench_<random> is created and dropped), else only SQLite is measured.
//   dotnet run -- [control-plane|resolver] [ADDS [REVISIONS]] [--domains N]   (default: all four tables)
//   dotnet run -- streams [--destinations N] [--streams 0,100,1000]           (RSS of non-reading sync streams)
//   dotnet run -- floods [--gateways N] [--seconds S]                          (CreateEntry latency under report floods)
//   dotnet run -- fleet [--streams 1,100,1000] [--changes 20] [--bulk 100000]   (fan-out, reconnect storm, bulk batch)
//   dotnet run -- admin-page [--entries 10000,100000] [--sessions 20]          (admin page in chromium: table time, memory per session)
//   dotnet run -- resolver-idle [--domains 8000] [--seconds 60] [--floor 30] [--interval 300]   (idle CPU per 1,000 domains)
using System.Globalization;
using MySqlConnector;
using OutputGuard.Bench;

if (args.FirstOrDefault() is "admin-page")
{
    var entriesAt = Array.IndexOf(args, "--entries");
    var sessionsAt = Array.IndexOf(args, "--sessions");
    await AdminPageBench.RunAsync(
        entriesAt >= 0 ? args[entriesAt + 1].Split(',').Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList() : [10_000, 100_000],
        sessionsAt >= 0 ? int.Parse(args[sessionsAt + 1], CultureInfo.InvariantCulture) : 20);
    return;
}

if (args.FirstOrDefault() is "resolver-idle")
{
    int Option(string name, int fallback) =>
        Array.IndexOf(args, name) is var at and >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    await ResolverIdleBench.RunAsync(Option("--domains", 8000), TimeSpan.FromSeconds(Option("--seconds", 60)), Option("--floor", 30), Option("--interval", 300));
    return;
}

if (args.FirstOrDefault() is "streams" or "floods" or "fleet")
{
    await HostileLoadTables.RunAsync(args);
    return;
}

var only = args.FirstOrDefault(a => a is "control-plane" or "resolver");
var domainsAt = Array.IndexOf(args, "--domains");
var domains = domainsAt >= 0 ? int.Parse(args[domainsAt + 1], CultureInfo.InvariantCulture) : 10_000;
var numbers = args.Where((a, i) => domainsAt < 0 || i != domainsAt + 1)
    .Where(a => int.TryParse(a, CultureInfo.InvariantCulture, out _)).Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray();
if (only != "resolver")
{
    await ControlPlaneTable(numbers.Length > 0 ? numbers[0] : 2000, numbers.Length > 1 ? numbers[1] : 100);
}

if (only != "control-plane")
{
    await ResolverTable.RunAsync(domains);
}

if (only is null)
{
    await HostileLoadTables.RunAsync(["streams"]);
    await HostileLoadTables.RunAsync(["floods"]);
}

static async Task ControlPlaneTable(int adds, int revisions)
{
    var rows = new List<string[]>();
    rows.AddRange(await new ControlPlaneBench("sqlite", _ => { }).RunAsync(adds, revisions));

    var server = Environment.GetEnvironmentVariable("OUTPUTGUARD_TEST_MYSQL");
    if (!string.IsNullOrWhiteSpace(server))
    {
        var database = $"og_bench_{Guid.NewGuid():N}"[..20];
        await using (var connection = new MySqlConnection(server))
        {
            await connection.OpenAsync();
            await new MySqlCommand($"CREATE DATABASE `{database}`", connection).ExecuteNonQueryAsync();
        }

        try
        {
            var b = new MySqlConnectionStringBuilder(server);
            rows.AddRange(await new ControlPlaneBench("mariadb", o =>
            {
                o.DbServer = b.Server;
                o.DbPort = (int)b.Port;
                o.DbUser = b.UserID;
                o.DbPassword = b.Password;
                o.DbName = database;
            }).RunAsync(adds, revisions));
        }
        finally
        {
            await using var connection = new MySqlConnection(server);
            await connection.OpenAsync();
            await new MySqlCommand($"DROP DATABASE `{database}`", connection).ExecuteNonQueryAsync();
        }
    }
    else
    {
        Console.Error.WriteLine("OUTPUTGUARD_TEST_MYSQL is not set: MariaDB is not measured.");
    }

    Table.Print(
        $"OutputGuard control plane, {adds} adds, {revisions} fan-out revisions, {Environment.ProcessorCount} cores, {RuntimeInformationText()}",
        ["backend", "measure", "value", "ratio to baseline"],
        rows,
        textColumns: 2);
}

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

