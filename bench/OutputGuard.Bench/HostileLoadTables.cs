using System.Globalization;

namespace OutputGuard.Bench;

/// <summary>The tables of issue 12: memory of non-reading streams, and entry latency under report floods, on every backend.</summary>
public static class HostileLoadTables
{
    public static async Task RunAsync(string[] args)
    {
        var backends = BenchStores.Available();
        if (args[0] == "fleet")
        {
            var counts = (OptionText(args, "--streams") ?? "1,100,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
            var changes = Option(args, "--changes", 20);
            var bulk = Option(args, "--bulk", 100_000);
            var rows = new List<string[]>();
            foreach (var backend in backends)
            {
                rows.AddRange(await FleetBench.RunAsync(backend, counts, changes, bulk));
            }

            Table.Print(
                $"A fleet on one control plane: {changes} changes fanned out per row, then a reconnect storm; bulk batch on the smallest fleet; ratios against the first row of the measure; {Environment.ProcessorCount} cores",
                ["backend", "streams", "measure", "value", "ratio to baseline"],
                rows,
                textColumns: 3);
        }
        else if (args[0] == "streams")
        {
            var destinations = Option(args, "--destinations", 100_000);
            var counts = (OptionText(args, "--streams") ?? "0,100,1000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
            var rows = new List<string[]>();
            foreach (var backend in backends)
            {
                rows.AddRange(await StreamMemoryBench.RunAsync(backend, destinations, counts));
            }

            Table.Print(
                $"Control plane RSS with sync streams that never read, {destinations} destinations, each row a fresh process, {Environment.ProcessorCount} cores",
                ["backend", "streams", "destinations", "RSS before MB", "RSS with streams MB", "added MB", "added KB/stream"],
                rows);
        }
        else
        {
            var gateways = Option(args, "--gateways", 10);
            var seconds = Option(args, "--seconds", 20);
            var rows = new List<string[]>();
            foreach (var backend in backends)
            {
                rows.AddRange(await ReportFloodBench.RunAsync(backend, gateways, TimeSpan.FromSeconds(seconds)));
            }

            Table.Print(
                $"CreateEntry latency while {gateways} gateways send 20,000-destination traffic reports back to back, {seconds} s per row, {Environment.ProcessorCount} cores",
                ["backend", "load", "creates", "p50 ms", "p99 ms", "max ms", "reports sent", "written", "coalesced"],
                rows,
                textColumns: 2);
        }
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
