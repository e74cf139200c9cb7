using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// The two ways to make revocation cut established connections, measured: the ruleset that checks every packet
/// against the allow-sets (what the gateway does: its per-packet cost shows in the forwarding rows), and deleting
/// the destination's conntrack entries over ctnetlink (its cost per revocation grows with the flows the gateway
/// tracks, measured here with the conntrack tool on the same kernel).
/// </summary>
internal static class RevocationBench
{
    /// <summary>
    /// Milliseconds from <paramref name="revoke"/> (the delta that removes the sink) to the last byte the sink
    /// receives over a TCP stream that was open before it.
    /// </summary>
    public static async Task<double> CutAsync(BenchLab lab, int port, Action revoke)
    {
        using var listener = Create(lab.Internet, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(BenchLab.Sink, port));
        listener.Listen(1);
        var accept = listener.AcceptAsync();
        using var client = Create(lab.Client, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(new IPEndPoint(BenchLab.Sink, port)).WaitAsync(TimeSpan.FromSeconds(5));
        using var server = await accept;
        var clock = Stopwatch.StartNew();
        var last = 0L;
        var reader = Task.Run(() =>
        {
            var buffer = new byte[1 << 16];
            server.ReceiveTimeout = 3000;
            try
            {
                while (server.Receive(buffer) > 0)
                {
                    Interlocked.Exchange(ref last, clock.ElapsedTicks);
                }
            }
            catch (SocketException)
            {
                // Three seconds without a byte: the stream is cut.
            }
        });
        client.SendTimeout = 3000;
        var writer = Task.Run(() =>
        {
            var payload = new byte[1 << 14];
            try
            {
                while (true)
                {
                    client.Send(payload);
                }
            }
            catch (SocketException)
            {
                // The window closed for good.
            }
        });
        await Task.Delay(300);
        var revokedAt = clock.ElapsedTicks;
        revoke();
        await reader;
        client.Dispose();
        await writer;
        return (Interlocked.Read(ref last) - revokedAt) * 1000.0 / Stopwatch.Frequency;
    }

    /// <summary>
    /// With <paramref name="flows"/> UDP flows through the gateway to the sink, the milliseconds the conntrack tool
    /// takes to delete the entries of an address that has none (the scan every revocation would pay) and of the
    /// sink (all of them); null when the tool is missing.
    /// </summary>
    public static (double ScanMs, double DeleteMs, int Tracked)? ConntrackCost(BenchLab lab, int flows)
    {
        if (BenchLab.Try("sh", "-c", "command -v conntrack").Code != 0)
        {
            return null;
        }

        BenchLab.In(lab.Gateway, "sysctl", "-qw", "net.netfilter.nf_conntrack_udp_timeout=300");
        var perPort = 50_000;
        Parallel.For(0, flows, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var socket = Create(lab.Client, SocketType.Dgram, ProtocolType.Udp);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Parse("10.10.0.2"), 10_000 + (i % perPort)));
            socket.SendTo([1], new IPEndPoint(BenchLab.Sink, 6000 + (i / perPort)));
        });
        var tracked = int.Parse(BenchLab.In(lab.Gateway, "conntrack", "-C").Trim(), CultureInfo.InvariantCulture);
        var scan = Stopwatch.StartNew();
        BenchLab.Try("ip", "netns", "exec", lab.Gateway, "conntrack", "-D", "-d", "198.51.100.99");
        scan.Stop();
        var delete = Stopwatch.StartNew();
        BenchLab.Try("ip", "netns", "exec", lab.Gateway, "conntrack", "-D", "-d", BenchLab.Sink.ToString());
        delete.Stop();
        return (scan.Elapsed.TotalMilliseconds, delete.Elapsed.TotalMilliseconds, tracked);
    }

    private static Socket Create(string netns, SocketType type, ProtocolType protocol) =>
        NetworkNamespace.Run(netns, () => new Socket(AddressFamily.InterNetwork, type, protocol));
}
