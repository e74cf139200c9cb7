using System.Diagnostics;
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
    private readonly Process _process;
    private readonly List<string> _lines = [];

    private GatewayRun(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_lines)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Runs the gateway to its end; returns its exit code, standard output and standard error.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunToExitAsync(string netns, IDictionary<string, string>? environment, params string[] args)
    {
        using var p = Process.Start(Info(netns, environment, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw;
        }

        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the gateway and waits for its ready line.</summary>
    public static async Task<GatewayRun> StartAsync(string netns, IDictionary<string, string>? environment, params string[] args)
    {
        var p = Process.Start(Info(netns, environment, args))!;
        var run = new GatewayRun(p);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(object? sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (run._lines)
            {
                run._lines.Add(e.Data);
            }

            if (e.Data.StartsWith("ready;", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        p.OutputDataReceived += OnLine;
        p.ErrorDataReceived += OnLine;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        _ = p.WaitForExitAsync().ContinueWith(_ => ready.TrySetException(new InvalidOperationException($"the gateway exited with {p.ExitCode}: {run.Output}")), TaskScheduler.Default);
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch
        {
            await run.DisposeAsync();
            throw;
        }

        return run;
    }

    /// <summary>SIGTERM and wait for the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            Shell.TryRun("kill", "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary><c>nft -j list table inet outputguard</c>, or null when there is no such table.</summary>
    public static string? Table(string netns)
    {
        var (code, output) = Shell.TryRun("ip", "netns", "exec", netns, "nft", "-j", "list", "table", "inet", "outputguard");
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
        var json = Shell.In(netns, "nft", "-j", "list", "set", "inet", "outputguard", set);
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

    private static ProcessStartInfo Info(string netns, IDictionary<string, string>? environment, string[] args)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", netns, "dotnet", Shell.ArtifactPath("GatewayDll") }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("OUTPUTGUARD_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }
}
