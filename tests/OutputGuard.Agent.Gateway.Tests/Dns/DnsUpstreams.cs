using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Testing;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

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
    private readonly List<Process> _processes = [];

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
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                await p.WaitForExitAsync();
            }

            p.Dispose();
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
        var dnsmasq = new[]
        {
            "/usr/sbin/dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", $"--addn-hosts={HostsFile}", $"--listen-address={address}",
            $"--port={port.ToString(CultureInfo.InvariantCulture)}", "--bind-interfaces", "--local-ttl=1", "--user=root", $"--pid-file={_dir}/{tag}.pid",
            "--log-facility=-", "--dns-forward-max=1000",
        }.Concat(local);
        var info = new ProcessStartInfo(netns is null ? "/usr/sbin/dnsmasq" : "ip") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in netns is null ? dnsmasq.Skip(1) : new[] { "netns", "exec", netns }.Concat(dnsmasq))
        {
            info.ArgumentList.Add(a);
        }

        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        try
        {
            await Eventually.True(() => File.Exists(Path.Combine(_dir, tag + ".pid")) || p.HasExited, TimeSpan.FromSeconds(20), $"dnsmasq ({tag}) started");
        }
        catch (TimeoutException)
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
            p.Dispose();
            throw;
        }

        if (p.HasExited)
        {
            var code = p.ExitCode;
            p.Dispose();
            throw new InvalidOperationException($"dnsmasq ({tag}) exited with {code}");
        }

        _processes.Add(p);
    }
}
