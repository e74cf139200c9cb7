using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// Counters at scale: the background counter read (every counted set dumped, the series chosen) with N destinations,
/// hash sets against interval sets; and the real agent's memory and scrape around a scrape with N destinations.
/// </summary>
internal static class CounterBench
{
    /// <summary>
    /// The read's cost with each of <paramref name="sizes"/> hosts (hash sets), and with the first size as CIDRs
    /// (interval sets); each row is also printed as soon as it is measured.
    /// </summary>
    public static List<string[]> ReadCost(BenchLab lab, EnforcerSettings settings, IReadOnlyList<int> sizes, Func<int, Destination> host)
    {
        var rows = new List<string[]>();
        // Hosts are counted in the seen sets, which hold only the hosts that carried traffic: none, then every one.
        var runs = sizes.SelectMany(n => new[] { (n, "hosts, none with traffic", host, false), (n, "hosts, every one with traffic (seen sets full)", host, true) })
            .Append((sizes[0], "CIDRs /30 (interval sets)", i => Net(host, i), false));
        foreach (var (n, kind, make, traffic) in runs)
        {
            BenchLab.Try("ip", "netns", "exec", lab.Gateway, "nft", "delete", "table", "inet", TableLayout.TableName);
            var load = Stopwatch.StartNew();
            using (var enforcer = new AllowListEnforcer(NftConnection.OpenIn(lab.Gateway), settings, NullLogger.Instance))
            {
                enforcer.Start();
                enforcer.Apply(AllowList.Of(1, Enumerable.Range(0, n).Select(make)));
            }

            if (traffic)
            {
                FillSeen(lab, n, make);
            }

            Console.WriteLine($"  loaded {n:N0} {kind} in {Seconds(load.Elapsed.TotalSeconds)}");

            // The netlink dump alone (every counted set listed), to tell the kernel's part from the reader's.
            var dump = Stopwatch.StartNew();
            using (var raw = NftConnection.OpenIn(lab.Gateway))
            {
                foreach (var f in TableLayout.Families)
                {
                    foreach (var set in new[] { f.Seen, f.SeenIn, f.Nets, f.NetsIn, f.Ports, f.PortsIn, f.Learned, f.LearnedIn, f.LearnedPorts, f.LearnedPortsIn, f.Denied, f.Inbound })
                    {
                        raw.ListElements(set);
                    }
                }
            }

            var dumpSeconds = dump.Elapsed.TotalSeconds;
            using var reader = new KernelCounterReader(NftConnection.OpenIn(lab.Gateway), 100, NullLogger.Instance);
            var series = new CounterSeries(1000, TimeSpan.FromMinutes(5));
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var read = reader.Refresh(series.Choose);
            var cpuSpent = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            var kernel = read.ReadSeconds;
            var total = Stopwatch.StartNew();
            series.Choose(read);
            var choose = total.Elapsed.TotalSeconds;
            var wait = CounterReadLoop.Wait(TimeSpan.FromSeconds(10), kernel + choose);
            rows.Add([
                $"counter read, {kind}", n.ToString("N0", CultureInfo.InvariantCulture), Seconds(dumpSeconds), Seconds(kernel), Seconds(choose),
                read.Elements.ToString("N0", CultureInfo.InvariantCulture), Seconds(cpuSpent.TotalSeconds), Seconds(wait.TotalSeconds),
            ]);
            Console.WriteLine("  measured: " + string.Join(" | ", rows[^1]));
        }

        BenchLab.Try("ip", "netns", "exec", lab.Gateway, "nft", "delete", "table", "inet", TableLayout.TableName);
        return rows;
    }

    /// <summary>
    /// The real agent enforcing <paramref name="n"/> destinations from its state file (no control plane): RSS after the
    /// first counter read, after one scrape and after ten; the scrape's time, size and series.
    /// </summary>
    public static async Task<List<string[]>> ScrapeMemoryAsync(BenchLab lab, int n, Func<int, Destination> host)
    {
        var dir = Directory.CreateTempSubdirectory("og-bench-counters-").FullName;
        var rows = new List<string[]>();
        try
        {
            BenchLab.Try("ip", "netns", "exec", lab.Gateway, "nft", "delete", "table", "inet", TableLayout.TableName);
            var state = Path.Combine(dir, "gateway-state");
            new StateFile(state).Write(1, "bench-store", Enumerable.Range(0, n).Select(host));
            var metrics = new Uri($"http://{lab.GatewayControlAddress}:9900/metrics");
            var (agent, _) = await ChildProcess.StartAsync(
                new CommandLine("ip", [
                    "netns", "exec", lab.Gateway, "dotnet", Artifacts.GatewayDll, "--control-plane", $"http://127.0.0.1:{FreePort.Tcp()}",
                    "--token", "bench-token-0123456789", "--gateway-id", lab.Gateway, "--state-file", state, "--treat-as-public", BenchLab.TreatAsPublic,
                    "--metrics-address", $"{lab.GatewayControlAddress}:9900", "--counters-interval-ms", "10000"])
                {
                    WithoutOutputGuardVariables = true,
                },
                line => line.Contains("ready;", StringComparison.Ordinal),
                TimeSpan.FromMinutes(5));
            await using (agent)
            {
                FillSeen(lab, n, host);
                using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
                var deadline = Stopwatch.StartNew();
                string page;
                while (true)
                {
                    page = await ScrapeAsync(http, metrics);
                    if (Value(page, "outputguard_counter_read_elements") >= 2L * n)
                    {
                        break;
                    }

                    if (deadline.Elapsed > TimeSpan.FromMinutes(5))
                    {
                        throw new TimeoutException($"the agent's first counter read of {n:N0} destinations did not finish");
                    }

                    await Task.Delay(200);
                }

                // Let the start settle (the state applied, the first reading taken), then measure.
                GC.KeepAlive(page);
                await Task.Delay(TimeSpan.FromSeconds(2));
                var before = agent.ResidentKib() / 1024.0;
                var scrape = Stopwatch.StartNew();
                page = await ScrapeAsync(http, metrics);
                scrape.Stop();
                var after = agent.ResidentKib() / 1024.0;
                for (var i = 0; i < 9; i++)
                {
                    await ScrapeAsync(http, metrics);
                }

                var afterTen = agent.ResidentKib() / 1024.0;
                var series = page.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
                var destinationSeries = page.Split('\n').Count(l => l.StartsWith("iptables_bytes_count{", StringComparison.Ordinal));
                var readSeconds = Value(page, "outputguard_counter_read_seconds_sum") / Math.Max(1, Value(page, "outputguard_counter_read_seconds_count"));
                var size = n.ToString("N0", CultureInfo.InvariantCulture);
                rows.Add(["agent RSS after its first counter read", size, Mib(before), "1.00"]);
                rows.Add([$"agent RSS after one scrape ({Seconds(scrape.Elapsed.TotalSeconds)}, {page.Length / 1024.0:0} KiB, {series:N0} series, {destinationSeries:N0} iptables_bytes_count)", size, Mib(after), Ratio(after, before)]);
                rows.Add(["agent RSS after ten scrapes", size, Mib(afterTen), Ratio(afterTen, before)]);
                rows.Add([$"  the agent's own counter reads (mean of outputguard_counter_read_seconds): {Seconds(readSeconds)}", size, "", ""]);
                rows.Add([$"  counter reads {Value(page, "outputguard_counter_read_seconds_count"):0}, bounded series renewals {Value(page, "outputguard_series_renewals_total") + Value(page, "outputguard_series_renewals"):0}", size, "", ""]);
            }
        }
        finally
        {
            BenchLab.Try("ip", "netns", "exec", lab.Gateway, "nft", "delete", "table", "inet", TableLayout.TableName);
            Directory.Delete(dir, recursive: true);
        }

        return rows;
    }

    /// <summary>
    /// Puts the first <paramref name="n"/> hosts in both IPv4 seen sets, in one batch: what the packet path does when
    /// every host carried traffic both ways (the most a counter read has to dump).
    /// </summary>
    private static void FillSeen(BenchLab lab, int n, Func<int, Destination> host)
    {
        var keys = new byte[4 * n];
        for (var i = 0; i < n; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(keys.AsSpan(4 * i), (uint)host(i).Prefix.First);
        }

        using var nft = NftConnection.OpenIn(lab.Gateway);
        using var batch = nft.BeginBatch();
        batch.AddKeys(FamilyLayout.V4.Seen, keys);
        batch.AddKeys(FamilyLayout.V4.SeenIn, keys);
        batch.Commit();
    }

    private static Destination Net(Func<int, Destination> host, int i) =>
        Destination.Any(IpPrefix.Create(host(i * 8).Prefix.Address, 30));

    private static async Task<string> ScrapeAsync(HttpClient http, Uri metrics)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, metrics);
        request.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text; version=1.0.0");
        try
        {
            using var response = await http.SendAsync(request);
            return await response.Content.ReadAsStringAsync();
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
    }

    private static double Value(string page, string name)
    {
        foreach (var line in page.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            {
                return double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static string Seconds(double s) => s.ToString("0.000", CultureInfo.InvariantCulture) + " s";

    private static string Mib(double m) => m.ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ratio(double a, double b) => (a / b).ToString("0.00", CultureInfo.InvariantCulture);
}
