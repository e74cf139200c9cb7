using System.Globalization;
using System.Net;
using System.Net.Sockets;
namespace OutputGuard.Testing;

/// <summary>
/// Two real dnsmasq processes answering from one hosts file that tests rewrite: one in the root namespace on
/// 127.0.0.1 for the control plane's resolver, one in the lab's internet namespace on <see cref="PublicResolver"/>:53
/// (the gateway's DNS proxy's upstream, and the public resolver clients may ask directly). TTL 1 s.
/// </summary>
public sealed class DnsUpstreams : IAsyncDisposable
{
    /// <summary>The "public resolver" address in the internet namespace.</summary>
    public static readonly IPAddress PublicResolver = IPAddress.Parse("198.51.100.53");

    private readonly string _dir = Directory.CreateTempSubdirectory("og-gw-dnsup-").FullName;
    private readonly List<ChildProcess> _processes = [];

    private DnsUpstreams()
    {
    }

    /// <summary>The root namespace dnsmasq's port on 127.0.0.1.</summary>
    public int RootPort { get; private set; }

    private string HostsFile => Path.Combine(_dir, "hosts");

    /// <summary>Starts both, answering <paramref name="records"/> (address, name) under the given domains.</summary>
    public static async Task<DnsUpstreams> StartAsync(string internetNamespace, IEnumerable<string> domains, IEnumerable<(IPAddress Address, string Name)> records)
    {
        var up = new DnsUpstreams();
        try
        {
            up.Write(records);
            Tool.In(internetNamespace, "ip", "addr", "add", $"{PublicResolver}/32", "dev", "lo");
            var local = domains.Select(d => $"--local=/{d}/").ToArray();

            // A free UDP port may be taken for TCP (dnsmasq binds both), or taken between the probe and the bind: try again.
            for (var attempt = 1; ; attempt++)
            {
                using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0)))
                {
                    up.RootPort = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
                }

                try
                {
                    await up.StartOneAsync(null, "127.0.0.1", up.RootPort, local, "root");
                    break;
                }
                catch (InvalidOperationException) when (attempt < 5)
                {
                }
            }

            await up.StartOneAsync(internetNamespace, PublicResolver.ToString(), 53, local, "internet");
            return up;
        }
        catch
        {
            await up.DisposeAsync();
            throw;
        }
    }

    /// <summary>Rewrites the hosts file and makes both reread it (SIGHUP).</summary>
    public void Change(IEnumerable<(IPAddress Address, string Name)> records)
    {
        Write(records);
        foreach (var p in _processes)
        {
            Tool.Run("kill", "-HUP", p.Id.ToString(CultureInfo.InvariantCulture));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _processes)
        {
            await p.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private void Write(IEnumerable<(IPAddress Address, string Name)> records)
    {
        var temp = HostsFile + ".tmp";
        File.WriteAllLines(temp, records.Select(r => $"{r.Address} {r.Name}"));
        File.Move(temp, HostsFile, overwrite: true);
    }

    private async Task StartOneAsync(string? netns, string address, int port, string[] local, string tag)
    {
        string[] dnsmasq = [.. Dnsmasq.Arguments(HostsFile, address, port, $"{_dir}/{tag}.pid"), "--dns-forward-max=1000", .. local];
        var p = ChildProcess.Start(netns is null ? new CommandLine(Dnsmasq.Binary, dnsmasq) : new CommandLine("ip", ["netns", "exec", netns, Dnsmasq.Binary, .. dnsmasq]));
        try
        {
            await Eventually.True(() => File.Exists(Path.Combine(_dir, tag + ".pid")) || p.HasExited, TimeSpan.FromSeconds(20), $"dnsmasq ({tag}) started");
            if (p.HasExited)
            {
                throw new InvalidOperationException($"dnsmasq ({tag}) exited with {p.ExitCode}");
            }
        }
        catch
        {
            await p.DisposeAsync();
            throw;
        }

        _processes.Add(p);
    }
}
