using System.Net;
using System.Text.Json;
using OutputGuard.Addressing;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>
/// The real gateway program inside one namespace (<c>ip netns exec</c>), run to its end or started until ready,
/// with an environment of the test's own (no OUTPUTGUARD_* variable of the test run reaches it), plus the nft -j
/// oracle for its table.
/// </summary>
public sealed class GatewayRun : IAsyncDisposable
{
    private readonly ChildProcess _process;

    private GatewayRun(ChildProcess process) => _process = process;

    public int Id => _process.Id;

    public string Output => _process.Output;

    /// <summary>Runs the gateway to its end; returns its exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunToExitAsync(string netns, IDictionary<string, string>? environment, params string[] args)
    {
        var (code, stdout, stderr) = await Tool.RunAsync(Command(netns, environment, args));
        return (code, stdout, stderr);
    }

    /// <summary>Starts the gateway and waits for its ready line.</summary>
    public static async Task<GatewayRun> StartAsync(string netns, IDictionary<string, string>? environment, params string[] args)
    {
        var (process, _) = await ChildProcess.StartAsync(Command(netns, environment, args), line => line.StartsWith("ready;", StringComparison.Ordinal));
        return new GatewayRun(process);
    }

    /// <summary>SIGTERM and wait for the exit code.</summary>
    public Task<int> StopAsync() => _process.StopAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary><c>nft -j list table inet outputguard</c>, or null when there is no such table.</summary>
    public static string? Table(string netns)
    {
        var (code, output) = Tool.TryRun("ip", "netns", "exec", netns, "nft", "-j", "list", "table", "inet", "outputguard");
        return code == 0 ? output : null;
    }

    /// <summary>The forward chain's policy from <c>nft -j</c>, or null when there is no such chain.</summary>
    public static string? ForwardPolicy(string netns)
    {
        var table = Table(netns);
        if (table is null)
        {
            return null;
        }

        foreach (var item in JsonDocument.Parse(table).RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("chain", out var chain) && chain.GetProperty("name").GetString() == "forward")
            {
                return chain.GetProperty("policy").GetString();
            }
        }

        return null;
    }

    /// <summary>Whether the interval set <paramref name="set"/> of the table holds <paramref name="address"/> (read with nft -j).</summary>
    public static bool SetHolds(string netns, string set, string address)
    {
        var ip = IPAddress.Parse(address);
        var json = Tool.In(netns, "nft", "-j", "list", "set", "inet", "outputguard", set);
        foreach (var item in JsonDocument.Parse(json).RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("set", out var s) || !s.TryGetProperty("elem", out var elements))
            {
                continue;
            }

            foreach (var e in elements.EnumerateArray())
            {
                var element = e.ValueKind == JsonValueKind.Object && e.TryGetProperty("elem", out var inner) ? inner.GetProperty("val") : e;
                if (Covers(element, ip))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool Covers(JsonElement element, IPAddress ip)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return IPAddress.Parse(element.GetString()!).Equals(ip);
        }

        if (element.TryGetProperty("prefix", out var prefix))
        {
            return IpPrefix.Create(IPAddress.Parse(prefix.GetProperty("addr").GetString()!), prefix.GetProperty("len").GetInt32()).Contains(ip);
        }

        if (element.TryGetProperty("range", out var range))
        {
            var first = IpPrefix.Create(IPAddress.Parse(range[0].GetString()!), ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128).First;
            var last = IpPrefix.Create(IPAddress.Parse(range[1].GetString()!), ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128).First;
            var n = IpPrefix.Create(ip, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128).First;
            return n >= first && n <= last;
        }

        return false;
    }

    private static CommandLine Command(string netns, IDictionary<string, string>? environment, string[] args) =>
        new("ip", ["netns", "exec", netns, "dotnet", Artifacts.GatewayDll, .. args])
        {
            Environment = environment?.ToDictionary(),
            WithoutOutputGuardVariables = true,
        };
}
