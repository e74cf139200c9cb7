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

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// The DNS proxy's lookup latency against a direct lookup of the same upstream (a real dnsmasq on loopback), in one
/// run: sequential lookups (one outstanding) for p50/p99, then concurrent lookups for throughput per core of the
/// proxy's own CPU (process CPU of the proxy run less that of the direct run for the same lookups). The proxy runs
/// in-process (the real DnsProxy, handler, learner) with the real enforcer in a namespace of its own; learning is a
/// kernel batch per answer.
/// </summary>
internal static class DnsBench
{
    private const int Names = 1000;

    public static async Task<List<string[]>> RunAsync(int lookups, int concurrency)
    {
        var dir = Directory.CreateTempSubdirectory("og-bench-dns-").FullName;
        var netns = "og-bd-" + Guid.NewGuid().ToString("N")[..6];
        Process? dnsmasq = null;
        try
        {
            Tool.Run("ip", "netns", "add", netns);
            File.WriteAllLines(Path.Combine(dir, "hosts"), Enumerable.Range(0, Names)
                .Select(i => string.Create(CultureInfo.InvariantCulture, $"203.0.{113 - (i / 250)}.{(i % 250) + 1} n{i}.wild.bench.test"))
                .Append("198.51.100.7 plain.bench.test"));
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

                // Warm-up (JIT, dnsmasq's cache), then the sequential latency runs, interleaved so both see the same machine.
                await Sequential(upstream, "plain.bench.test", 200);
                await Sequential(proxyEndpoint, "plain.bench.test", 200);
                var direct = await Sequential(upstream, "plain.bench.test", lookups);
                var forward = await Sequential(proxyEndpoint, "plain.bench.test", lookups);
                var learn = await Sequential(proxyEndpoint, null, lookups);

                var (directRate, directCpu) = await Concurrent(upstream, "plain.bench.test", lookups, concurrency);
                var (forwardRate, forwardCpu) = await Concurrent(proxyEndpoint, "plain.bench.test", lookups, concurrency);
                var (learnRate, learnCpu) = await Concurrent(proxyEndpoint, null, lookups, concurrency);
                rows.Add(["direct to dnsmasq", Ms(P(direct, 0.5)), Ms(P(direct, 0.99)), "", Rate(directRate) + " (client only)", ""]);
                rows.Add(["proxy, name of no entry (forward)", Ms(P(forward, 0.5)), Ms(P(forward, 0.99)), Ms(P(forward, 0.99) - P(direct, 0.99)), Rate(forwardRate), PerCore(lookups, forwardCpu - directCpu)]);
                rows.Add(["proxy, wildcard match (learn: kernel batch, then answer)", Ms(P(learn, 0.5)), Ms(P(learn, 0.99)), Ms(P(learn, 0.99) - P(direct, 0.99)), Rate(learnRate), PerCore(lookups, learnCpu - directCpu)]);
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

    private static async Task<List<double>> Sequential(IPEndPoint server, string? name, int count)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(server);
        var buffer = new byte[4096];
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var query = Query(name ?? string.Create(CultureInfo.InvariantCulture, $"n{i % Names}.wild.bench.test"), i);
            var t = Stopwatch.GetTimestamp();
            await socket.SendAsync(query, SocketFlags.None);
            await socket.ReceiveAsync(buffer, SocketFlags.None);
            samples.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        return samples;
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
