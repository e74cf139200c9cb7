// Netlink benchmark: in fresh namespaces, apply 1k/10k/100k allowed IPv4 addresses (hash and interval
// sets), delete 1k from 100k, and dump the counters of 100k elements — with OutputGuard.Netlink, with
// `nft -f`, and with the design OutputGuard replaces (one `iptables -A` process per address, stopped at a
// time limit and extrapolated). Prints a table with the times and the ratios. Run as root.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using OutputGuard.Addressing;
using OutputGuard.Bench.Netlink;
using OutputGuard.Netlink.Nftables;

var iptablesLimit = TimeSpan.FromSeconds(args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 8);
var rows = new List<(string Work, double Library, double Nft, double? Iptables)>();

foreach (var n in new[] { 1_000, 10_000, 100_000 })
{
    foreach (var interval in new[] { false, true })
    {
        var kind = interval ? "interval" : "hash";
        var library = Measure(ns => ApplyWithLibrary(ns, n, interval));
        var nft = Measure(ns => ApplyWithNft(ns, n, interval));
        double? iptables = interval ? null : IptablesPerAddress(n, iptablesLimit);
        rows.Add(($"apply {n / 1000}k, {kind} set", library, nft, iptables));
    }
}

rows.Add(("delete 1k of 100k, hash set", MeasureAfter(ns => ApplyWithLibrary(ns, 100_000, false), ns => DeleteWithLibrary(ns, 1_000)),
    MeasureAfter(ns => ApplyWithNft(ns, 100_000, false), ns => DeleteWithNft(ns, 1_000)), null));
rows.Add(("dump counters of 100k, hash set", MeasureAfter(ns => ApplyWithLibrary(ns, 100_000, false), DumpWithLibrary),
    MeasureAfter(ns => ApplyWithNft(ns, 100_000, false), ns => ns.TimeExec("nft", "-j", "list", "set", "inet", "bench", "s").TotalMilliseconds), null));
rows.Add(("dump counters of 100k, interval set", MeasureAfter(ns => ApplyWithLibrary(ns, 100_000, true), DumpWithLibrary),
    MeasureAfter(ns => ApplyWithNft(ns, 100_000, true), ns => ns.TimeExec("nft", "-j", "list", "set", "inet", "bench", "s").TotalMilliseconds), null));

Console.WriteLine($"OutputGuard.Netlink vs nft -f vs one iptables -A per address; {Environment.ProcessorCount} cores; median of 3 (iptables: one run, extrapolated past {iptablesLimit.TotalSeconds:0} s); hash sets sized 2 x elements");
Console.WriteLine($"{"work",-36} | {"library ms",10} | {"nft ms",10} | {"iptables ms",12} | {"nft/library",11} | {"iptables/library",16}");
Console.WriteLine($"{new string('-', 36)}-|-{new string('-', 10)}-|-{new string('-', 10)}-|-{new string('-', 12)}-|-{new string('-', 11)}-|-{new string('-', 16)}");
foreach (var (work, lib, nft, ipt) in rows)
{
    var iptText = ipt is { } i ? i.ToString("0", CultureInfo.InvariantCulture) : "-";
    var iptRatio = ipt is { } r ? (r / lib).ToString("0.0", CultureInfo.InvariantCulture) : "-";
    Console.WriteLine($"{work,-36} | {lib,10:0.0} | {nft,10:0.0} | {iptText,12} | {nft / lib,11:0.00} | {iptRatio,16}");
}

// Where the dump's time goes: this process's user and kernel CPU while the library dumps 100k counters.
using (var ns = new Namespace())
{
    ApplyWithLibrary(ns, 100_000, false);
    var self = Process.GetCurrentProcess();
    var (user, system) = (self.UserProcessorTime, self.PrivilegedProcessorTime);
    var wall = DumpWithLibrary(ns);
    self.Refresh();
    Console.WriteLine($"dump of 100k hash-set counters: {wall:0} ms wall, {(self.UserProcessorTime - user).TotalMilliseconds:0} ms user CPU, {(self.PrivilegedProcessorTime - system).TotalMilliseconds:0} ms kernel CPU");
}

static double Measure(Func<Namespace, double> work) => MeasureAfter(_ => 0, work);

// Median of three runs, each in a fresh namespace prepared by `setup` (not timed).
static double MeasureAfter(Func<Namespace, double> setup, Func<Namespace, double> work)
{
    var times = new List<double>();
    for (var run = 0; run < 3; run++)
    {
        using var ns = new Namespace();
        setup(ns);
        times.Add(work(ns));
    }

    times.Sort();
    return times[1];
}

static IEnumerable<IPAddress> Addresses(int n)
{
    // Every other address of 100.64.0.0/10, so that interval elements never touch.
    var first = IpPrefix.ToNumber(IPAddress.Parse("100.64.0.0"));
    for (var i = 0; i < n; i++)
    {
        yield return IpPrefix.ToAddress(System.Net.Sockets.AddressFamily.InterNetwork, first + (UInt128)(2 * i));
    }
}

// Hash sets carry a size hint of twice their elements (nft's `size`), so the kernel picks its preallocated
// hash; without one it picks the resizable hash, whose background resizes make a dump right after a large
// insert restart (measured: 100k dump 0.6-1.1 s instead of 0.26-0.29 s).
static uint? SizeHint(int n, bool interval) => interval ? null : (uint)Math.Max(1024, 2 * n);

static NftSet Set(bool interval, int n) => new()
{
    Family = NftFamily.Inet,
    Table = "bench",
    Name = "s",
    KeyType = NftKeyType.Ipv4Addr,
    Counters = true,
    Flags = interval ? NftSetFlags.Interval : default,
    Size = SizeHint(n, interval),
};

static double ApplyWithLibrary(Namespace ns, int n, bool interval)
{
    var elements = interval
        ? Addresses(n).SelectMany(a => NftSetElement.Interval(IpPrefix.Host(a))).ToList()
        : Addresses(n).Select(a => NftSetElement.Address(a)).ToList();
    var watch = Stopwatch.StartNew();
    using var nft = NftConnection.OpenIn(ns.Name);
    using var batch = nft.BeginBatch();
    batch.AddTable(new NftTable(NftFamily.Inet, "bench"));
    batch.AddSet(Set(interval, n));
    batch.AddElements(Set(interval, n), elements);
    batch.Commit();
    return watch.Elapsed.TotalMilliseconds;
}

static double ApplyWithNft(Namespace ns, int n, bool interval)
{
    var file = Path.GetTempFileName();
    try
    {
        File.WriteAllText(file, $"add table inet bench\nadd set inet bench s {{ type ipv4_addr; {(interval ? "flags interval; " : $"size {SizeHint(n, false)}; ")}counter; }}\n"
            + $"add element inet bench s {{ {string.Join(", ", Addresses(n))} }}\n");
        return ns.TimeExec("nft", "-f", file).TotalMilliseconds;
    }
    finally
    {
        File.Delete(file);
    }
}

static double DeleteWithLibrary(Namespace ns, int n)
{
    var elements = Addresses(n).Select(a => NftSetElement.Address(a)).ToList();
    var watch = Stopwatch.StartNew();
    using var nft = NftConnection.OpenIn(ns.Name);
    using var batch = nft.BeginBatch();
    batch.DeleteElements(Set(false, 100_000), elements);
    batch.Commit();
    return watch.Elapsed.TotalMilliseconds;
}

static double DeleteWithNft(Namespace ns, int n)
{
    var file = Path.GetTempFileName();
    try
    {
        File.WriteAllText(file, $"delete element inet bench s {{ {string.Join(", ", Addresses(n))} }}\n");
        return ns.TimeExec("nft", "-f", file).TotalMilliseconds;
    }
    finally
    {
        File.Delete(file);
    }
}

static double DumpWithLibrary(Namespace ns)
{
    var watch = Stopwatch.StartNew();
    using var nft = NftConnection.OpenIn(ns.Name);
    var elements = nft.ListElements(NftFamily.Inet, "bench", "s");
    var elapsed = watch.Elapsed.TotalMilliseconds;
    var starts = elements.Where(e => !e.IsIntervalEnd).ToList();
    if (starts.Count != 100_000 || starts.Any(e => e.Packets is null))
    {
        throw new InvalidOperationException($"the dump returned {starts.Count} elements, not 100,000 with counters");
    }

    return elapsed;
}

// The design OutputGuard replaces: one iptables process per allowed address.
static double IptablesPerAddress(int n, TimeSpan limit)
{
    using var ns = new Namespace();
    var watch = Stopwatch.StartNew();
    var done = 0;
    foreach (var address in Addresses(n))
    {
        ns.Exec("iptables", "-A", "FORWARD", "-d", address.ToString(), "-j", "ACCEPT");
        done++;
        if (watch.Elapsed > limit)
        {
            break;
        }
    }

    return watch.Elapsed.TotalMilliseconds * n / done;
}
