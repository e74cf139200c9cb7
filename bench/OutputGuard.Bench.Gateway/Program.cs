// Gateway benchmarks (root, Linux): kernel apply latency, end-to-end update latency (API call → applied in the
// gateway's kernel), forwarding throughput and agent memory, each with N destinations present against a baseline
// measured in the same run.
//   dotnet run -c Release -- [--destinations N[,N…]] [--changes M] [--seconds S] [--flows F] [--rounds R] [--skip-end-to-end]
//                            [--kernel-only] [--e2e-destinations N] [--dns-lookups N] [--dns-only]
//                            [--counters-only] [--counters-1m]  (counter read cost and agent memory around a scrape)
//                            [--scrape-destinations N]  (the agent's memory around a scrape with N hosts, every one with traffic)
//                            [--memory-only] [--e2e-only] [--compare-agent OTHER/outputguard-gateway.dll] [--gcdump PATH/dotnet-gcdump]
//                            [--agent-counters-interval-ms MS]
//                            [--forwarding-only] [--profile DIR] [--compare NAME=FILE[,…]] [--save-forward FILE]
//                            (forwarding throughput alone; --profile: one more stream per path after the rounds under
//                            `perf record -a -g`, written to DIR/PATH.data; --compare: the paths again with the forward
//                            chain's rules from an nft script; --save-forward: the table as `nft list table` at the end)
// The kernel rows run for every N of --destinations (e.g. 100000,1000000), each against the kernel's floor measured in
// the same run; forwarding and revocation run at the largest N, the end-to-end agent run at --e2e-destinations
// (default the smallest N; the control plane is filled through BatchCreateEntries, 100,000 a call, so 1,000,000 takes
// minutes). --kernel-only stops after the kernel rows; --e2e-only runs the end-to-end part alone (latency and the
// real agent's memory through a fresh snapshot load of N and scrapes); --compare-agent loads the same snapshot with a
// second build of the agent in the same run; --gcdump prints the managed heap of each agent by type at the end.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Bench.Gateway;
using OutputGuard.Netlink.Nftables;
using OutputGuard.V1;
using Destination = OutputGuard.Addressing.Destination;

var sizes = Sizes("--destinations", [100_000]);
var destinations = sizes.Max();
var e2eDestinations = Option("--e2e-destinations", sizes.Min());
var changes = Option("--changes", 1000);
var seconds = Option("--seconds", 3);
var flows = Option("--flows", 100_000);
var rounds = Option("--rounds", 3);
// The DNS proxy against direct lookups (--dns-only runs it alone; --dns-lookups N per row, at most 25,000).
string[] dnsHeader = ["path", "p50", "p99", "p99 added", "lookups/s (8 clients)", "lookups/s per core (proxy CPU)"];
if (args.Contains("--dns-only"))
{
    Print("DNS lookup latency, proxy against direct, one run (UDP, loopback dnsmasq)", dnsHeader, await DnsBench.RunAsync(Option("--dns-lookups", 10_000), 8));
    return;
}

// Where the agent's managed memory goes at each N, before and after the compact list (in this process, seconds).
if (args.Contains("--memory-only"))
{
    Print("Agent structures at N hosts (managed heap kept after a full GC, this process)", ["structure", "hosts", "MiB", "bytes per host", "build"], MemoryBench.Run(sizes, Host));
    return;
}

if (args.Contains("--e2e-only"))
{
    await EndToEnd();
    return;
}

var settings = new EnforcerSettings { Internal = InternalRanges.Create([], BenchLab.TreatAsPublic.Split(',').Select(IpPrefix.Parse)) };

// Public addresses from 11.0.0.0 on (one per destination), never the sink.
static Destination Host(int i) => KernelBench.Host(i);

var rows = new List<string[]>();
var revocation = new List<string[]>();

// Counters at scale: the background counter read at the smallest N (and 1M with --counters-1m), the agent's memory
// around a scrape; --kernel-only leaves them out (at 1M a read takes minutes: see the README).
var forwardingOnly = args.Contains("--forwarding-only");
if (!args.Contains("--kernel-only") && !forwardingOnly)
{
    using var lab = new BenchLab();
    var counted = sizes.Min();
    int[] counterSizes = args.Contains("--counters-1m") && counted != 1_000_000 ? [counted, 1_000_000] : [counted];
    Print("Counter read (KernelCounterReader.Refresh: every counted set dumped, then the bounded series chosen)",
        ["what", "destinations", "netlink dump alone", "read (dump + grouping)", "series choice", "elements", "process CPU", "next read after (10 s interval)"], CounterBench.ReadCost(lab, settings, counterSizes, Host));
    Print("Agent memory around a scrape (VmRSS, MiB; destinations from the state file, no control plane)",
        ["what", "destinations", "MiB", "ratio"], await CounterBench.ScrapeMemoryAsync(lab, Option("--scrape-destinations", counted), Host));
}

if (args.Contains("--counters-only"))
{
    return;
}

// 1. Kernel: one delta applied by the enforcer (diff + one netlink batch), with 0 and with N destinations present.
if (!forwardingOnly)
{
    using var lab = new BenchLab();
    foreach (var present in sizes.Prepend(0))
    {
        if (present > 0)
        {
            rows.AddRange(KernelBench.Snapshot(lab, settings, present));
        }

        BenchLab.Try("ip", "netns", "exec", lab.Gateway, "nft", "delete", "table", "inet", TableLayout.TableName);
        using var enforcer = new AllowListEnforcer(NftConnection.OpenIn(lab.Gateway), settings, NullLogger.Instance);
        enforcer.Start();
        var list = AllowList.Of(1, Enumerable.Range(0, present).Select(Host));
        enforcer.Apply(list);

        var samples = new List<double>();
        using var probe = NftConnection.OpenIn(lab.Gateway);
        var generation = probe.GetGenerationId();
        for (var i = 0; i < changes; i++)
        {
            var d = Host(present + 1 + (i / 2));
            var change = i % 2 == 0 ? list.Apply(list.Revision + 1, [d], []) : list.Apply(list.Revision + 1, [], [d]);
            var t = Stopwatch.GetTimestamp();
            enforcer.Apply(list, change);
            samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        var commits = probe.GetGenerationId() - generation;
        rows.Add(["kernel: apply one delta", present.ToString("N0", CultureInfo.InvariantCulture), Ms(Median(samples)), Ms(P99(samples)), ""]);
        rows.Add(["  kernel commits seen (generation id)", present.ToString("N0", CultureInfo.InvariantCulture), commits.ToString(CultureInfo.InvariantCulture), $"of {changes}", ""]);

        // Drift repair: what the gateway does when someone else changed the table (the events arrive within ms).
        var scan = Stopwatch.StartNew();
        var clean = enforcer.Repair(DriftScope.Everything);
        rows.Add(["drift: verify everything, nothing found", present.ToString("N0", CultureInfo.InvariantCulture), Ms(scan.Elapsed.TotalMilliseconds), clean.Drifted ? "DRIFT" : "clean", ""]);
        BenchLab.In(lab.Gateway, "nft", "add", "element", "inet", TableLayout.TableName, "hosts4", "{ 198.51.100.99 }");
        var foreign = Stopwatch.StartNew();
        enforcer.Repair(new DriftScope(false, new HashSet<string>(StringComparer.Ordinal))
        {
            Changes = new Dictionary<string, IReadOnlyList<(NftSetElement, bool)>>(StringComparer.Ordinal)
            {
                ["hosts4"] = [(NftSetElement.Address(IPAddress.Parse("198.51.100.99")), true)],
            },
        });
        rows.Add(["drift: foreign element removed (from its event)", present.ToString("N0", CultureInfo.InvariantCulture), Ms(foreign.Elapsed.TotalMilliseconds), "", ""]);
        BenchLab.In(lab.Gateway, "nft", "add", "element", "inet", TableLayout.TableName, "hosts4", "{ 198.51.100.99 }");
        var read = Stopwatch.StartNew();
        enforcer.Repair(new DriftScope(false, new HashSet<string>(StringComparer.Ordinal) { "hosts4" }));
        rows.Add(["drift: foreign element removed (set read whole)", present.ToString("N0", CultureInfo.InvariantCulture), Ms(read.Elapsed.TotalMilliseconds),
            present > AllowListEnforcer.LargeSet ? $"not read: over {AllowListEnforcer.LargeSet:N0}" : "", ""]);
        BenchLab.In(lab.Gateway, "nft", "delete", "table", "inet", TableLayout.TableName);
        var recreate = Stopwatch.StartNew();
        enforcer.Repair(DriftScope.Structure);
        rows.Add(["drift: deleted table recreated with every element", present.ToString("N0", CultureInfo.InvariantCulture), Ms(recreate.Elapsed.TotalMilliseconds), "", ""]);
    }
}

if (!forwardingOnly)
{
    Print("Kernel apply (AllowListEnforcer, in-process; floor: one raw batch of the same keys, this run)", ["what", "present", "median / time", "p99 / ratio / note", "delta ratio"], Ratio(rows, "kernel: apply one delta"));
}

rows.Clear();
if (args.Contains("--kernel-only"))
{
    return;
}

// 2. Throughput through the gateway: no table against the table holding N destinations (the sink allowed).
using (var lab = new BenchLab())
{
    // Rounds interleave the paths, and each path's median is kept: the machine is shared, and a single stream
    // drifts with whatever else runs. "No filter" is the table switched off (dormant): its hooks are gone.
    var port = 5201;
    var withSink = Enumerable.Range(0, destinations).Select(Host).Append(Destination.Any(IpPrefix.Host(BenchLab.Sink))).ToList();
    var withSinkPorts = Enumerable.Range(0, destinations).Select(Host).Append(new Destination(IpPrefix.Host(BenchLab.Sink), new PortRule(OutputGuard.Addressing.L4Protocol.Tcp, 5000, 5300))).ToList();
    using var enforcer = new AllowListEnforcer(NftConnection.OpenIn(lab.Gateway), settings, NullLogger.Instance);
    enforcer.Start();
    enforcer.Apply(AllowList.Of(1, withSink));
    var samples = new Dictionary<string, List<double>>(StringComparer.Ordinal);
    var revision = 1L;

    // --compare NAME=FILE[,NAME=FILE…]: hosts and ports paths again with the forward chain's rules replaced by an nft
    // script's (e.g. `nft list chain` of another build's layout; the script may add chains of its own), interleaved
    // with the rest; the repair after each puts the enforcer's layout back.
    var variants = Array.IndexOf(args, "--compare") is var v and >= 0
        ? args[v + 1].Split(',').Select(a => a.Split('=', 2)).Select(a => (Name: a[0], Script: File.ReadAllText(a[1]))).ToList()
        : [];
    async Task Sample(string path)
    {
        await BenchLab.QuietAsync();
        var value = await lab.StreamAsync(TimeSpan.FromSeconds(seconds), port++);
        (samples.TryGetValue(path, out var l) ? l : samples[path] = []).Add(value);
    }

    void Replace(string script)
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, $"flush chain inet {TableLayout.TableName} {TableLayout.ForwardChain}\n{script}");
        BenchLab.In(lab.Gateway, "nft", "-f", file);
        File.Delete(file);
    }

    for (var round = 0; round < rounds; round++)
    {
        BenchLab.In(lab.Gateway, "nft", "add", "table", "inet", TableLayout.TableName, "{ flags dormant; }");
        await Sample("none");
        enforcer.Repair(DriftScope.Structure);
        await Sample("hosts");

        // The per-packet cost of revocation that cuts, against a blanket "ct state established accept" at the head
        // of the chain (the shortcut that let revoked connections live on, and skipped the per-packet counting).
        BenchLab.In(lab.Gateway, "nft", "insert", "rule", "inet", TableLayout.TableName, TableLayout.ForwardChain, "ct", "state", "established,related", "accept");
        await Sample("shortcut");
        enforcer.Repair(DriftScope.Structure);
        foreach (var (name, script) in variants)
        {
            Replace(script);
            await Sample("hosts " + name);
            enforcer.Repair(DriftScope.Structure);
        }

        enforcer.Apply(AllowList.Of(++revision, withSinkPorts));
        await Sample("ports");
        foreach (var (name, script) in variants)
        {
            Replace(script);
            await Sample("ports " + name);
            enforcer.Repair(DriftScope.Structure);
        }

        enforcer.Apply(AllowList.Of(++revision, withSink));
    }

    foreach (var (path, values) in samples)
    {
        Console.WriteLine($"samples {path}: {string.Join(' ', values.Select(Gbit))} Gbit/s");
    }

    // One more stream per path under `perf record -a -g` (not part of the medians: the profiler slows the stream).
    if (Array.IndexOf(args, "--profile") is var p and >= 0)
    {
        var dir = Directory.CreateDirectory(args[p + 1]).FullName;
        async Task Profile(string path)
        {
            await BenchLab.QuietAsync();
            var before = Forwarded();
            using var perf = Process.Start("perf", ["record", "-a", "-g", "-q", "-o", Path.Combine(dir, path + ".data"), "--", "sleep", (seconds + 0.3).ToString(CultureInfo.InvariantCulture)])!;
            var rate = await lab.StreamAsync(TimeSpan.FromSeconds(seconds), port++);
            await perf.WaitForExitAsync();
            Console.WriteLine(FormattableString.Invariant(
                $"profiled {path}: {rate * 8 / 1e9:0.00} Gbit/s under perf, {Forwarded() - before} packets forwarded, {dir}/{path}.data (bench pid {Environment.ProcessId})"));
        }

        // Packets the gateway received on both links (client → sink data, sink → client acknowledgements).
        long Forwarded() => Received("g0") + Received("g1");
        long Received(string link) => long.Parse(BenchLab.In(lab.Gateway, "cat", $"/sys/class/net/{link}/statistics/rx_packets").Trim(), CultureInfo.InvariantCulture);

        BenchLab.In(lab.Gateway, "nft", "add", "table", "inet", TableLayout.TableName, "{ flags dormant; }");
        await Profile("none");
        enforcer.Repair(DriftScope.Structure);
        await Profile("hosts");
        foreach (var (name, script) in variants)
        {
            Replace(script);
            await Profile("hosts-" + name);
            enforcer.Repair(DriftScope.Structure);
        }

        enforcer.Apply(AllowList.Of(++revision, withSinkPorts));
        await Profile("ports");
        foreach (var (name, script) in variants)
        {
            Replace(script);
            await Profile("ports-" + name);
            enforcer.Repair(DriftScope.Structure);
        }

        enforcer.Apply(AllowList.Of(++revision, withSink));
    }

    var baseline = Median(samples["none"]);
    string Share(string path) => (Median(samples[path]) / baseline).ToString("0.00", CultureInfo.InvariantCulture);
    var n = destinations.ToString("N0", CultureInfo.InvariantCulture);
    rows.Add(["no filter (table dormant)", "0", Gbit(baseline), "1.00"]);
    rows.Add(["allow-list, sink in hosts set (every packet checked: revocation cuts)", n, Gbit(Median(samples["hosts"])), Share("hosts")]);
    rows.Add(["allow-list, sink by tcp/5000-5300", n, Gbit(Median(samples["ports"])), Share("ports")]);
    rows.Add(["  hosts set with a blanket established accept first (no revocation)", n, Gbit(Median(samples["shortcut"])), Share("shortcut")]);
    foreach (var (name, _) in variants)
    {
        rows.Add([$"  hosts set, forward rules of {name}", n, Gbit(Median(samples["hosts " + name])), Share("hosts " + name)]);
        rows.Add([$"  tcp/5000-5300, forward rules of {name}", n, Gbit(Median(samples["ports " + name])), Share("ports " + name)]);
    }

    if (Array.IndexOf(args, "--save-forward") is var save and >= 0)
    {
        File.WriteAllText(args[save + 1], BenchLab.In(lab.Gateway, "nft", "list", "table", "inet", TableLayout.TableName));
    }

    if (forwardingOnly)
    {
        Print("Forwarding throughput, one TCP stream client → gateway → sink (veth)", ["path", "destinations", "Gbit/s", "ratio"], rows);
        return;
    }

    var cut = await RevocationBench.CutAsync(lab, port++, () => enforcer.Apply(AllowList.Of(100, Enumerable.Range(0, destinations).Select(Host))));
    revocation.Add(["revocation (snapshot without the sink) to the last byte of an open stream", destinations.ToString("N0", CultureInfo.InvariantCulture), Ms(cut)]);
    var current = AllowList.Of(101, withSink);
    enforcer.Apply(current);
    var delta = await RevocationBench.CutAsync(lab, port++, () =>
        enforcer.Apply(current, current.Apply(102, [], [Destination.Any(IpPrefix.Host(BenchLab.Sink))])));
    revocation.Add(["revocation (one delta) to the last byte of an open stream", destinations.ToString("N0", CultureInfo.InvariantCulture), Ms(delta)]);
    enforcer.Apply(AllowList.Of(103, withSink));
    if (RevocationBench.ConntrackCost(lab, flows) is { } ct)
    {
        revocation.Add([$"ctnetlink alternative: delete one address's entries, none there ({ct.Tracked:N0} tracked)", destinations.ToString("N0", CultureInfo.InvariantCulture), Ms(ct.ScanMs)]);
        revocation.Add([$"ctnetlink alternative: delete one address's entries, all {ct.Tracked:N0} of them", destinations.ToString("N0", CultureInfo.InvariantCulture), Ms(ct.DeleteMs)]);
    }
}

Print("Forwarding throughput, one TCP stream client → gateway → sink (veth)", ["path", "destinations", "Gbit/s", "ratio"], rows);
rows.Clear();
Print("Revocation of an established connection", ["what", "destinations", "time"], revocation);

if (!args.Contains("--skip-end-to-end"))
{
    await EndToEnd();
}

Print("DNS lookup latency, proxy against direct, one run (UDP, loopback dnsmasq)", dnsHeader, await DnsBench.RunAsync(Option("--dns-lookups", 10_000), 8));

// 3. End to end: API call → the agent reports the revision applied in its kernel; the real agent's memory at N.
async Task EndToEnd()
{
    using var lab = new BenchLab();
    var at = Array.IndexOf(args, "--compare-agent");
    List<(string, string)> agents = [("this build", Artifacts.GatewayDll)];
    if (at >= 0)
    {
        agents.Add(("--compare-agent", args[at + 1]));
    }

    var gcdump = Array.IndexOf(args, "--gcdump") is var g and >= 0 ? args[g + 1] : null;
    // --agent-counters-interval-ms 3600000: the agent's counter read at N never runs (its first read is of the empty
    // table), which isolates the rest of the agent's memory from the counter reading's.
    int? countersInterval = args.Contains("--agent-counters-interval-ms") ? Option("--agent-counters-interval-ms", 10_000) : null;
    var (latency, memory, notes) = await EndToEndBench.RunAsync(lab, e2eDestinations, changes, Host, agents, gcdump, countersInterval);
    Print($"End-to-end update latency ({changes} changes each, after {changes} warm-up changes)", ["what", "present", "median", "p99", "ratio"], latency);
    Print($"Agent memory, the real agent process (VmRSS unless said, MiB; ratio against the same build's empty RSS; counters read every {countersInterval ?? 10_000} ms)", ["what", "agent", "destinations", "MiB", "ratio"], memory);
    notes.ForEach(Console.WriteLine);
}

int[] Sizes(string name, int[] fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 ? [.. args[at + 1].Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] : fallback;
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
}

static double Median(List<double> s) => s.Order().ElementAt(s.Count / 2);

static double P99(List<double> s) => s.Order().ElementAt(Math.Min(s.Count - 1, (int)Math.Ceiling(s.Count * 0.99) - 1));

static string Ms(double ms) => ms.ToString("0.00", CultureInfo.InvariantCulture) + " ms";

static string Gbit(double bytesPerSecond) => (bytesPerSecond * 8 / 1e9).ToString("0.00", CultureInfo.InvariantCulture);

static List<string[]> Ratio(List<string[]> rows, string what)
{
    var baseline = rows.First(r => r[0] == what);
    var b = double.Parse(baseline[2].Split(' ')[0], CultureInfo.InvariantCulture);
    foreach (var r in rows.Where(r => r[0] == what))
    {
        r[4] = (double.Parse(r[2].Split(' ')[0], CultureInfo.InvariantCulture) / b).ToString("0.00", CultureInfo.InvariantCulture);
    }

    return rows;
}

static void Print(string title, string[] header, List<string[]> rows)
{
    var all = rows.Prepend(header).ToList();
    var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
    Console.WriteLine();
    Console.WriteLine(title);
    foreach (var (r, i) in all.Select((r, i) => (r, i)))
    {
        Console.WriteLine("| " + string.Join(" | ", r.Select((cell, c) => cell.PadRight(widths[c]))) + " |");
        if (i == 0)
        {
            Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        }
    }
}
