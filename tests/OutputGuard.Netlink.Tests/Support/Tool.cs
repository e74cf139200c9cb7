using System.Diagnostics;
using System.Text.Json;

namespace OutputGuard.Netlink.Tests.Support;

/// <summary>Runs the oracle tools (ip, nft, ping) and returns what they print.</summary>
public static class Tool
{
    public static string Run(string file, params string[] args)
    {
        var (code, stdout, stderr) = TryRun(file, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {code}: {stderr}");
        }

        return stdout;
    }

    public static (int Code, string Stdout, string Stderr) TryRun(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs a command inside a namespace (ip netns exec).</summary>
    public static string In(string netns, string file, params string[] args) =>
        Run("ip", ["netns", "exec", netns, file, .. args]);

    /// <summary>Feeds a script to <c>nft -f -</c> inside a namespace.</summary>
    public static void NftScript(string netns, string script)
    {
        var path = Path.Combine(Path.GetTempPath(), $"og-nl-{Guid.NewGuid():N}.nft");
        File.WriteAllText(path, script);
        try
        {
            In(netns, "nft", "-f", path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>The objects of <c>nft -j list ruleset</c> of one kind ("table", "chain", "rule", "set").</summary>
    public static List<JsonElement> NftObjects(string netns, string kind, params string[] listArgs)
    {
        var args = listArgs.Length == 0 ? ["list", "ruleset"] : listArgs;
        var root = Json(In(netns, "nft", ["-j", .. args]));
        return root.GetProperty("nftables").EnumerateArray()
            .Where(o => o.TryGetProperty(kind, out _))
            .Select(o => o.GetProperty(kind))
            .ToList();
    }
}
