using System.Net;
using System.Net.Sockets;
using DnsClient;

namespace OutputGuard.Testing;

/// <summary>
/// A real dnsmasq on its own loopback address (127.x.y.z) and a free port, answering for one domain
/// (<see cref="Domain"/>, a private one of its own unless the test names one) from a hosts file that the test
/// rewrites (<see cref="SetRecordsAsync"/>, which reloads it with SIGHUP). Names of the domain that are not in the
/// file get NXDOMAIN; others are REFUSED. CNAMEs are fixed at start (dnsmasq reads <c>--cname</c> only then, and
/// their targets must be in the hosts file). Records have TTL 1 s. Ended by its own process id on dispose. The one
/// dnsmasq of the control plane's and the gateway's tests and of the resolver benchmark.
/// </summary>
public sealed class Dnsmasq : IAsyncDisposable
{
    /// <summary>Where Debian's dnsmasq is.</summary>
    internal const string Binary = "/usr/sbin/dnsmasq";
    private readonly ChildProcess _process;
    private readonly string _directory;

    private Dnsmasq(ChildProcess process, string directory, IPEndPoint endpoint, string domain)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
        Domain = domain;
    }

    /// <summary>Where dnsmasq listens (UDP and TCP).</summary>
    public IPEndPoint Endpoint { get; }

    /// <summary>"ADDRESS:PORT", as resolver_name_servers takes it.</summary>
    public string NameServer => $"{Endpoint.Address}:{Endpoint.Port}";

    /// <summary>The private domain it answers for, e.g. <c>og1a2b3c.test</c>.</summary>
    public string Domain { get; }

    /// <summary>The process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>When the hosts file was last reloaded (the SIGHUP was sent).</summary>
    public DateTime LastReloadUtc { get; private set; }

    /// <summary>A full name in <see cref="Domain"/>.</summary>
    public string Name(string label) => $"{label}.{Domain}";

    /// <summary>
    /// Starts dnsmasq with <paramref name="records"/> (label, address) and CNAMEs (alias label, target label). With
    /// <paramref name="authoritative"/> false it is not told that the domain is its own (no <c>--local</c>): then, as
    /// dnsmasq does with no upstream, it answers A from the hosts file but refuses AAAA (REFUSED). The domain is
    /// <paramref name="domain"/>, or a fresh <c>og&lt;random&gt;.test</c>; <paramref name="extraArgs"/> go to dnsmasq as given.
    /// </summary>
    public static async Task<Dnsmasq> StartAsync(
        IEnumerable<(string Label, string Address)> records,
        IEnumerable<(string Alias, string Target)>? cnames = null,
        bool authoritative = true,
        string? domain = null,
        IEnumerable<string>? extraArgs = null)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"{Binary} is missing: install dnsmasq (apt-get install -y dnsmasq), as .ci/run does");
        }

        domain ??= "og" + Guid.NewGuid().ToString("N")[..8] + ".test";
        var directory = Directory.CreateTempSubdirectory("og-dnsmasq-").FullName;
        var recordList = records.ToList();
        var cnameList = (cnames ?? []).ToList();
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = FreeEndpoint();
            await File.WriteAllTextAsync(Path.Combine(directory, "hosts"), HostsText(recordList, domain));
            List<string> args =
            [
                .. Arguments($"{directory}/hosts", endpoint.Address.ToString(), endpoint.Port, $"{directory}/pid"),
                .. authoritative ? [$"--local=/{domain}/"] : Array.Empty<string>(),
                .. cnameList.Select(c => $"--cname={c.Alias}.{domain},{c.Target}.{domain}"),
                .. extraArgs ?? [],
            ];
            var server = new Dnsmasq(ChildProcess.Start(new CommandLine(Binary, args)), directory, endpoint, domain);
            try
            {
                await server.WaitReadyAsync();
                return server;
            }
            catch (Exception) when (attempt < 3)
            {
                await server._process.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>
    /// The arguments every test dnsmasq starts with: in the foreground, answering from <paramref name="hostsFile"/> only
    /// (no upstream, no /etc/hosts) on one address and port, TTL 1 s, as root (so it reads a 0700 temp dir), its pid
    /// written once it listens.
    /// </summary>
    internal static List<string> Arguments(string hostsFile, string address, int port, string pidFile) =>
    [
        "--keep-in-foreground", "--no-resolv", "--no-hosts", $"--addn-hosts={hostsFile}", $"--listen-address={address}",
        $"--port={port.ToString(System.Globalization.CultureInfo.InvariantCulture)}", "--bind-interfaces", "--local-ttl=1",
        $"--pid-file={pidFile}", "--user=root", "--log-facility=-",
    ];

    /// <summary>Replaces every record and reloads dnsmasq (SIGHUP).</summary>
    public async Task SetRecordsAsync(IEnumerable<(string Label, string Address)> records)
    {
        var file = Path.Combine(_directory, "hosts");
        var temp = file + ".new";
        await File.WriteAllTextAsync(temp, HostsText(records.ToList(), Domain));
        File.Move(temp, file, overwrite: true);
        LastReloadUtc = DateTime.UtcNow;
        var (code, _, stderr) = await Tool.RunAsync(new CommandLine("kill", "-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (code != 0)
        {
            throw new InvalidOperationException($"kill -HUP {_process.Id} failed with {code}: {stderr}");
        }
    }

    /// <summary>Asks dnsmasq directly (the oracle): the A and AAAA addresses of a label.</summary>
    public async Task<IReadOnlyList<string>> QueryAsync(string label)
    {
        var client = new LookupClient(new LookupClientOptions(Endpoint) { UseCache = false, Timeout = TimeSpan.FromSeconds(1), Retries = 1 });
        var a = await client.QueryAsync(Name(label), QueryType.A);
        var aaaa = await client.QueryAsync(Name(label), QueryType.AAAA);
        return a.Answers.ARecords().Select(r => r.Address.ToString())
            .Concat(aaaa.Answers.AaaaRecords().Select(r => r.Address.ToString()))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task WaitReadyAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var client = new LookupClient(new LookupClientOptions(Endpoint) { UseCache = false, Timeout = TimeSpan.FromMilliseconds(200), Retries = 0 });
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"dnsmasq on {Endpoint} exited with {_process.ExitCode}");
            }

            try
            {
                var response = await client.QueryAsync(Name("ready"), QueryType.A);
                if (response.Answers.ARecords().Any())
                {
                    return;
                }
            }
            catch (DnsResponseException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"dnsmasq on {Endpoint} did not answer within 10 s");
            }

            await Task.Delay(50);
        }
    }

    // A sentinel "ready" name (192.0.2.254) always answers, so readiness can be checked.
    private static string HostsText(List<(string Label, string Address)> records, string domain) =>
        string.Concat(records.Append((Label: "ready", Address: "192.0.2.254")).Select(r => $"{r.Address} {r.Label}.{domain}\n"));

    private static IPEndPoint FreeEndpoint()
    {
        for (var i = 0; i < 50; i++)
        {
            var address = new IPAddress([127, 0, (byte)Random.Shared.Next(1, 250), (byte)Random.Shared.Next(2, 250)]);
            try
            {
                using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                udp.Bind(new IPEndPoint(address, 0));
                var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
                using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                tcp.Bind(new IPEndPoint(address, port));
                return new IPEndPoint(address, port);
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no free loopback address and port for dnsmasq");
    }
}
