using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Bench.Gateway;

/// <summary>
/// The tests' lab (tests/Shared/Lab: client → gateway → "internet", a root link to the gateway for the control
/// plane) as the benchmark uses it: the sink is the lab's allowed address 203.0.113.10, and the internet routes the
/// client range back directly, for the unfiltered baseline without masquerade.
/// </summary>
internal sealed class BenchLab : IDisposable
{
    public static readonly IPAddress Sink = Lab.Allowed;
    public const string TreatAsPublic = Lab.TreatAsPublic;
    private readonly Lab _lab = new();

    public BenchLab()
    {
        try
        {
            In(Internet, "ip", "route", "add", Lab.ClientRange, "via", Lab.GatewayOutside.ToString());
        }
        catch
        {
            _lab.Dispose();
            throw;
        }
    }

    public string Client => _lab.Client;

    public string Gateway => _lab.Gateway;

    public string Internet => _lab.Internet;

    public IPAddress RootAddress => _lab.RootAddress;

    public IPAddress GatewayControlAddress => _lab.GatewayControlAddress;

    /// <summary>The lab itself.</summary>
    public Lab Lab => _lab;

    public void Dispose() => _lab.Dispose();

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

    /// <summary>
    /// Waits (at most a minute) until the machine is quiet: under 10% of all cores busy over half a second, so that a
    /// stream is not measured while something else runs.
    /// </summary>
    public static async Task QuietAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromMinutes(1))
        {
            var (busy0, all0) = CpuTimes();
            await Task.Delay(500);
            var (busy1, all1) = CpuTimes();
            if (all1 > all0 && (double)(busy1 - busy0) / (all1 - all0) < 0.10)
            {
                return;
            }
        }

        Console.WriteLine("machine busy for a minute: measuring anyway");
    }

    // Busy and total jiffies of all cores (/proc/stat "cpu" line: user nice system idle iowait irq softirq steal …).
    private static (long Busy, long All) CpuTimes()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        var all = fields.Sum();
        return (all - fields[3] - fields[4], all);
    }

    public static string In(string ns, string file, params string[] args) => Tool.In(ns, file, args);

    public static ToolResult Try(string file, params string[] args) => Tool.TryRun(file, args);

    private static Socket Create(string netns) => NamespaceSockets.Create(netns, AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
}
