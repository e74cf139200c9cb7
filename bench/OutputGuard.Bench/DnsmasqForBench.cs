using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Bench;

/// <summary>A local dnsmasq answering for <c>d{i}.bench.test</c> (one A and one AAAA record each), ended by its process id.</summary>
public sealed class DnsmasqForBench : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private DnsmasqForBench(Process process, string directory, IPEndPoint endpoint, List<string> names)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
        Names = names;
    }

    public IPEndPoint Endpoint { get; }

    public List<string> Names { get; }

    public static async Task<DnsmasqForBench> StartAsync(int domains)
    {
        var directory = Directory.CreateTempSubdirectory("og-bench-dns-").FullName;
        var names = Enumerable.Range(0, domains).Select(i => string.Create(CultureInfo.InvariantCulture, $"d{i}.bench.test")).ToList();
        var hosts = new System.Text.StringBuilder();
        for (var i = 0; i < domains; i++)
        {
            hosts.Append(CultureInfo.InvariantCulture, $"203.0.113.{i % 256} {names[i]}\n2001:db8::{i:x} {names[i]}\n");
        }

        await File.WriteAllTextAsync(Path.Combine(directory, "hosts"), hosts.ToString());
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.53"), 0));
        var endpoint = (IPEndPoint)probe.LocalEndPoint!;
        probe.Close();
        var info = new ProcessStartInfo("/usr/sbin/dnsmasq") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[]
        {
            "--keep-in-foreground", "--no-resolv", "--no-hosts", $"--addn-hosts={directory}/hosts", $"--listen-address={endpoint.Address}",
            $"--port={endpoint.Port}", "--bind-interfaces", "--local-ttl=1", $"--pid-file={directory}/pid", "--local=/bench.test/",
            "--user=root", "--dns-forward-max=1000", "--cache-size=0",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("dnsmasq did not start");
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new DnsmasqForBench(process, directory, endpoint, names);
        var client = new DnsClient.LookupClient(new DnsClient.LookupClientOptions(endpoint) { UseCache = false, Timeout = TimeSpan.FromMilliseconds(200), Retries = 0 });
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if ((await client.QueryAsync(names[0], DnsClient.QueryType.A)).Answers.Count > 0)
                {
                    return server;
                }
            }
            catch (DnsClient.DnsResponseException)
            {
            }

            await Task.Delay(100);
        }

        await server.DisposeAsync();
        throw new InvalidOperationException($"dnsmasq on {endpoint} did not answer");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
