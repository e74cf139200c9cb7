using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// Namespaces for the benchmark: client → gateway → "internet" (192.0.2.0/24 link, sink on 203.0.113.10), and a
/// root link to the gateway for the control plane. The same shape as the end-to-end tests.
/// </summary>
internal sealed class BenchLab : IDisposable
{
    public static readonly IPAddress Sink = IPAddress.Parse("203.0.113.10");
    public const string TreatAsPublic = "192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32";

    public BenchLab()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        Client = $"og-bc-{id}";
        Gateway = $"og-bg-{id}";
        Internet = $"og-bi-{id}";
        RootLink = $"og-b{id}";
        var block = Random.Shared.Next(0, 1 << 14) * 4;
        var prefix = string.Create(CultureInfo.InvariantCulture, $"172.{30 + (block >> 16)}.{(block >> 8) & 255}.");
        RootAddress = IPAddress.Parse(prefix + ((block & 255) + 1).ToString(CultureInfo.InvariantCulture));
        GatewayControlAddress = IPAddress.Parse(prefix + ((block & 255) + 2).ToString(CultureInfo.InvariantCulture));
        try
        {
            foreach (var ns in new[] { Client, Gateway, Internet })
            {
                Run("ip", "netns", "add", ns);
                In(ns, "ip", "link", "set", "lo", "up");
            }

            In(Gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            Run("ip", "link", "add", "c0", "netns", Client, "type", "veth", "peer", "name", "g0", "netns", Gateway);
            In(Client, "ip", "addr", "add", "10.10.0.2/24", "dev", "c0");
            In(Gateway, "ip", "addr", "add", "10.10.0.1/24", "dev", "g0");
            In(Client, "ip", "link", "set", "c0", "up");
            In(Gateway, "ip", "link", "set", "g0", "up");
            In(Client, "ip", "route", "add", "default", "via", "10.10.0.1");
            Run("ip", "link", "add", "g1", "netns", Gateway, "type", "veth", "peer", "name", "i0", "netns", Internet);
            In(Gateway, "ip", "addr", "add", "192.0.2.1/24", "dev", "g1");
            In(Internet, "ip", "addr", "add", "192.0.2.2/24", "dev", "i0");
            In(Gateway, "ip", "link", "set", "g1", "up");
            In(Internet, "ip", "link", "set", "i0", "up");
            In(Internet, "ip", "addr", "add", $"{Sink}/32", "dev", "lo");
            In(Gateway, "ip", "route", "add", "203.0.113.0/24", "via", "192.0.2.2");
            // The unfiltered baseline has no masquerade: the internet routes the client range back directly.
            In(Internet, "ip", "route", "add", "10.10.0.0/24", "via", "192.0.2.1");
            Run("ip", "link", "add", RootLink, "type", "veth", "peer", "name", "g2", "netns", Gateway);
            Run("ip", "addr", "add", $"{RootAddress}/30", "dev", RootLink);
            In(Gateway, "ip", "addr", "add", $"{GatewayControlAddress}/30", "dev", "g2");
            Run("ip", "link", "set", RootLink, "up");
            In(Gateway, "ip", "link", "set", "g2", "up");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Client { get; }

    public string Gateway { get; }

    public string Internet { get; }

    public string RootLink { get; }

    public IPAddress RootAddress { get; }

    public IPAddress GatewayControlAddress { get; }

    public void Dispose()
    {
        Try("ip", "link", "del", RootLink);
        foreach (var ns in new[] { Client, Gateway, Internet })
        {
            Try("ip", "netns", "del", ns);
        }
    }

    /// <summary>Bytes per second of one TCP stream client → sink over <paramref name="duration"/>.</summary>
    public async Task<double> StreamAsync(TimeSpan duration, int port)
    {
        using var listener = Create(Internet);
        listener.Bind(new IPEndPoint(Sink, port));
        listener.Listen(1);
        var accept = listener.AcceptAsync();
        using var client = Create(Client);
        await client.ConnectAsync(new IPEndPoint(Sink, port)).WaitAsync(TimeSpan.FromSeconds(5));
        using var server = await accept;
        var received = 0L;
        var stop = false;
        var reader = Task.Run(() =>
        {
            var buffer = new byte[1 << 20];
            int n;
            while ((n = server.Receive(buffer)) > 0)
            {
                Interlocked.Add(ref received, n);
            }
        });
        var payload = new byte[1 << 16];
        var writer = Task.Run(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                client.Send(payload);
            }

            client.Shutdown(SocketShutdown.Send);
        });
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var start = Interlocked.Read(ref received);
        var clock = Stopwatch.StartNew();
        await Task.Delay(duration);
        var bytes = Interlocked.Read(ref received) - start;
        var seconds = clock.Elapsed.TotalSeconds;
        Volatile.Write(ref stop, true);
        await writer;
        await reader;
        return bytes / seconds;
    }

    public static string Run(string file, params string[] args)
    {
        var (code, output) = Try(file, args);
        return code == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {output}");
    }

    public static string In(string ns, string file, params string[] args) => Run("ip", ["netns", "exec", ns, file, .. args]);

    public static (int Code, string Output) Try(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, o.Result + e.Result);
    }

    private static Socket Create(string netns) =>
        NetworkNamespace.Run(netns, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
}
