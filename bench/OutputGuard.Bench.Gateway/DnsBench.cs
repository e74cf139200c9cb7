using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Dns;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Testing;
using static System.FormattableString;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// The DNS proxy's lookup latency against a direct lookup of the same upstream (a real dnsmasq on loopback), in one
/// run: after a warm-up of every path (at least 2 s each, so tier-1 JIT is done before the window), sequential lookups
/// (one outstanding), interleaved lookup by lookup across the paths so that all see the same moments of the machine,
/// for p50/p99; a trivial UDP echo in this process is a second baseline (what one async .NET UDP round trip costs
/// here). Then concurrent lookups for throughput per core of the proxy's own CPU (process CPU of the proxy run less
/// that of the direct run for the same lookups). The proxy runs in-process (the real DnsProxy, handler, learner)
/// with the real enforcer in a namespace of its own; a new address costs a kernel batch, a known one whose element
/// is held for TTL + grace costs none.
/// </summary>
internal static class DnsBench
{
    private const int Names = 1000;
    private const string WarmName = "warm.wild.bench.test";
    private const int MaxNewNames = 25_000;

    public static async Task<List<string[]>> RunAsync(int lookups, int concurrency)
    {
        var dir = Directory.CreateTempSubdirectory("og-bench-dns-").FullName;
        var netns = "og-bd-" + Guid.NewGuid().ToString("N")[..6];
        Process? dnsmasq = null;
        try
        {
            Tool.Run("ip", "netns", "add", netns);
            lookups = Math.Min(lookups, MaxNewNames);
            File.WriteAllLines(Path.Combine(dir, "hosts"), Enumerable.Range(0, Names)
                .Select(i => string.Create(CultureInfo.InvariantCulture, $"203.0.{113 - (i / 250)}.{(i % 250) + 1} n{i}.wild.bench.test"))
                .Concat(Enumerable.Range(0, lookups).Select(i => string.Create(CultureInfo.InvariantCulture, $"203.0.{109 - (i / 250)}.{(i % 250) + 1} {NewName(i)}")))
                .Append("198.51.100.7 plain.bench.test")
                .Append("192.0.2.7 " + WarmName));
            var upstream = new IPEndPoint(IPAddress.Loopback, FreeUdpPort());
            dnsmasq = Process.Start(new ProcessStartInfo("/usr/sbin/dnsmasq",
                [
                    "--keep-in-foreground", "--no-resolv", "--no-hosts", $"--addn-hosts={dir}/hosts", "--listen-address=127.0.0.1",
                    $"--port={upstream.Port}", "--bind-interfaces", "--local-ttl=60", "--user=root", "--local=/bench.test/", $"--pid-file={dir}/pid",
                    "--log-facility=-", "--dns-forward-max=1000", "--cache-size=10000",
                ])
            { RedirectStandardError = true, RedirectStandardOutput = true })!;
            for (var i = 0; i < 200 && !File.Exists(Path.Combine(dir, "pid")); i++)
            {
                await Task.Delay(50);
            }

            var internalRanges = InternalRanges.Create([], BenchLab.TreatAsPublic.Split(',').Select(IpPrefix.Parse));
            var settings = new DnsProxySettings
            {
                Listen = [new IPEndPoint(IPAddress.Loopback, FreeUdpPort())],
                Upstreams = [upstream],
                Grace = TimeSpan.FromSeconds(60),
                WildcardCap = 1_000_000,
            };
            using var enforcer = new AllowListEnforcer(NftConnection.OpenIn(netns), new EnforcerSettings { Internal = internalRanges }, NullLogger.Instance);
            enforcer.Start();
            var policy = new DomainPolicy { Wanted = true };
            policy.Replace([new DomainRule(1, "*.wild.bench.test", [new PortSpan(6, 443, 443)])]);
            var learner = new DnsLearner(enforcer, settings, internalRanges, TimeProvider.System, NullLogger.Instance);
            using var meters = new DummyMeterFactory();
            using var metrics = new DnsMetrics(meters, () => learner.Count);
            var handler = new DnsQueryHandler(policy, learner, new UpstreamResolver(settings.Upstreams, settings.UpstreamTimeout, metrics.UpstreamFailed),
                [IpPrefix.Parse("127.0.0.0/8")], metrics, NullLogger.Instance);
            using var proxy = new DnsProxy(settings, handler, learner, new DnsSync(policy), enforcer, new LearnedStateFile(Path.Combine(dir, "state.dns")), NullLogger<DnsProxy>.Instance);
            await proxy.StartAsync(CancellationToken.None);
            try
            {
                var proxyEndpoint = settings.Listen[0];
                var rows = new List<string[]>();

                // A trivial UDP echo in this process: the floor of an async .NET UDP round trip on this machine (the
                // scheduler and the thread pool), measured in the same run as a second baseline.
                using var echo = new UdpEcho();

                // Warm-up, each path for at least 2 s (tier-1 JIT, dnsmasq's cache; warm-up names of their own for the
                // learn path), so that the measured windows see no JIT.
                await WarmUp(upstream, "plain.bench.test");
                await WarmUp(echo.Endpoint, "plain.bench.test");
                await WarmUp(proxyEndpoint, "plain.bench.test");
                await WarmUp(proxyEndpoint, WarmName);

                // The latency runs, one outstanding lookup, interleaved lookup by lookup (direct, echo, forward, learn
                // new, learn known, again), so that every path sees the same moments of the machine.
                var paths = new (IPEndPoint Server, Func<int, string> Name)[]
                {
                    (upstream, _ => "plain.bench.test"),
                    (echo.Endpoint, _ => "plain.bench.test"),
                    (proxyEndpoint, _ => "plain.bench.test"),
                    (proxyEndpoint, NewName),
                    (proxyEndpoint, i => string.Create(CultureInfo.InvariantCulture, $"n{i % Names}.wild.bench.test")),
                };
                await Sequential(proxyEndpoint, null, Names); // every known name learned once, before the window
                var (samples, gcs) = await Interleaved(paths, lookups);
                var (direct, echoed, forward, learnNew, learnKnown) = (samples[0], samples[1], samples[2], samples[3], samples[4]);

                var (directRate, directCpu) = await Concurrent(upstream, "plain.bench.test", lookups, concurrency);
                var (forwardRate, forwardCpu) = await Concurrent(proxyEndpoint, "plain.bench.test", lookups, concurrency);
                var (learnRate, learnCpu) = await Concurrent(proxyEndpoint, null, lookups, concurrency);
                rows.Add(["direct to dnsmasq", Ms(P(direct, 0.5)), Ms(P(direct, 0.99)), "", Rate(directRate) + " (client only)", ""]);
                rows.Add(["UDP echo in this process (the runtime's floor)", Ms(P(echoed, 0.5)), Ms(P(echoed, 0.99)), Ms(P(echoed, 0.99) - P(direct, 0.99)), "", ""]);
                rows.Add(["proxy, name of no entry (forward)", Ms(P(forward, 0.5)), Ms(P(forward, 0.99)), Ms(P(forward, 0.99) - P(direct, 0.99)), Rate(forwardRate), PerCore(lookups, forwardCpu - directCpu)]);
                rows.Add(["proxy, wildcard match, new address (kernel batch, then answer)", Ms(P(learnNew, 0.5)), Ms(P(learnNew, 0.99)), Ms(P(learnNew, 0.99) - P(direct, 0.99)), "", ""]);
                rows.Add(["proxy, wildcard match, known address (held: no batch)", Ms(P(learnKnown, 0.5)), Ms(P(learnKnown, 0.99)), Ms(P(learnKnown, 0.99) - P(direct, 0.99)), Rate(learnRate), PerCore(lookups, learnCpu - directCpu)]);
                rows.Add([Invariant($"(GCs in the latency window, gen 0/1/2: {gcs}; {lookups} lookups per path)"), "", "", "", "", ""]);
                return rows;
            }
            finally
            {
                await proxy.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            if (dnsmasq is { HasExited: false })
            {
                dnsmasq.Kill();
                await dnsmasq.WaitForExitAsync();
            }

            dnsmasq?.Dispose();
            BenchLab.Try("ip", "netns", "del", netns);
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task WarmUp(IPEndPoint server, string name)
    {
        var until = Stopwatch.GetTimestamp() + (2 * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            await Sequential(server, name, 200);
        }
    }

    private static string NewName(int i) => string.Create(CultureInfo.InvariantCulture, $"m{i}.wild.bench.test");

    private static async Task<(List<double>[] Samples, string Gcs)> Interleaved((IPEndPoint Server, Func<int, string> Name)[] paths, int count)
    {
        var sockets = new Socket[paths.Length];
        try
        {
            for (var p = 0; p < paths.Length; p++)
            {
                sockets[p] = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                await sockets[p].ConnectAsync(paths[p].Server);
            }

            var queries = paths.Select(path => Enumerable.Range(0, count).Select(i => Query(path.Name(i), i)).ToList()).ToList();
            var samples = paths.Select(_ => new List<double>(count)).ToArray();
            var buffer = new byte[4096];
            int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
            for (var i = 0; i < count; i++)
            {
                for (var p = 0; p < paths.Length; p++)
                {
                    var t = Stopwatch.GetTimestamp();
                    await sockets[p].SendAsync(queries[p][i], SocketFlags.None);
                    await sockets[p].ReceiveAsync(buffer, SocketFlags.None);
                    samples[p].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
            }

            return (samples, Invariant($"{GC.CollectionCount(0) - gen0}/{GC.CollectionCount(1) - gen1}/{GC.CollectionCount(2) - gen2}"));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                socket?.Dispose();
            }
        }
    }

    private static async Task Sequential(IPEndPoint server, string? name, int count)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server);
        var buffer = new byte[4096];
        for (var i = 0; i < count; i++)
        {
            await socket.SendAsync(Query(name ?? string.Create(CultureInfo.InvariantCulture, $"n{i % Names}.wild.bench.test"), i), SocketFlags.None);
            await socket.ReceiveAsync(buffer, SocketFlags.None);
        }
    }

    private static async Task<(double Rate, double CpuSeconds)> Concurrent(IPEndPoint server, string? name, int count, int concurrency)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(server);
            var buffer = new byte[4096];
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await socket.SendAsync(Query(name ?? string.Create(CultureInfo.InvariantCulture, $"n{i % Names}.wild.bench.test"), i), SocketFlags.None);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
                }
                catch (OperationCanceledException)
                {
                    // A lost datagram: counted in the time, not retried.
                }
            }
        }));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        return (count / elapsed, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
    }

    private static byte[] Query(string name, int id)
    {
        var bytes = new List<byte> { (byte)(id >> 8), (byte)id, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0 };
        foreach (var label in name.Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(System.Text.Encoding.ASCII.GetBytes(label));
        }

        bytes.AddRange([0, 0, 1, 0, 1]);
        return [.. bytes];
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    private static double P(List<double> samples, double q) => samples.Order().ElementAt(Math.Min(samples.Count - 1, (int)Math.Ceiling(samples.Count * q) - 1));

    private static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    private static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture) + "/s";

    private static string PerCore(int lookups, double cpuSeconds) =>
        cpuSeconds <= 0 ? "n/a" : (lookups / cpuSeconds).ToString("N0", CultureInfo.InvariantCulture) + "/s";

    private sealed class DummyMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var m in _meters)
            {
                m.Dispose();
            }
        }
    }
}
