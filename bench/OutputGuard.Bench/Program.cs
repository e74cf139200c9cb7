// OutputGuard benchmarks: a small harness that prints tables with ratios against a baseline
// measured in the same run. MariaDB: set OUTPUTGUARD_TEST_MYSQL (a server connection string; a
// database og_bench_<random> is created and dropped), else only SQLite is measured.
//   dotnet run -- [control-plane|resolver] [ADDS [REVISIONS]] [--domains N]   (default: both tables)
using System.Globalization;
using MySqlConnector;
using OutputGuard.Bench;

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

    string[] header = ["backend", "measure", "value", "ratio to baseline"];
    var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
    Console.WriteLine($"OutputGuard control plane, {adds} adds, {revisions} fan-out revisions, {Environment.ProcessorCount} cores, {RuntimeInformationText()}");
    Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
    Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
    foreach (var row in rows)
    {
        Console.WriteLine(string.Join(" | ", row.Select((c, i) => i >= 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))));
    }
}

static string RuntimeInformationText() => System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription;

