using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>A real dnsmasq on 127.0.0.1 and a free port, answering from a hosts file that tests rewrite.</summary>
public sealed class Dnsmasq : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;

    private Dnsmasq(Process process, string dir, int port)
    {
        _process = process;
        _dir = dir;
        Port = port;
    }

    public int Port { get; }

    private string HostsFile => Path.Combine(_dir, "hosts");

    public static async Task<Dnsmasq> StartAsync(string name, IPAddress address)
    {
        var dir = Directory.CreateTempSubdirectory("og-gw-dns-").FullName;
        File.WriteAllText(Path.Combine(dir, "hosts"), $"{address} {name}\n");
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        probe.Close();
        var info = new ProcessStartInfo("/usr/sbin/dnsmasq") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[]
        {
            "--keep-in-foreground", "--no-resolv", "--no-hosts", $"--addn-hosts={dir}/hosts", "--listen-address=127.0.0.1",
            $"--port={port}", "--bind-interfaces", "--local-ttl=1", "--user=root", $"--local=/{name.Split('.', 2)[1]}/", $"--pid-file={dir}/pid", "--log-facility=-",
        })
        {
            info.ArgumentList.Add(a);
        }

        var p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var dns = new Dnsmasq(p, dir, port);
        await Eventually.True(() => File.Exists(Path.Combine(dir, "pid")) || p.HasExited, TimeSpan.FromSeconds(10), "dnsmasq started");
        return p.HasExited ? throw new InvalidOperationException("dnsmasq exited") : dns;
    }

    /// <summary>Points <paramref name="name"/> at another address and makes dnsmasq reread its hosts file.</summary>
    public void Change(string name, IPAddress address)
    {
        File.WriteAllText(HostsFile, $"{address} {name}\n");
        Shell.Run("kill", "-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
