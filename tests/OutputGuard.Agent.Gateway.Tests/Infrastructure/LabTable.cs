using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Netlink.Nftables;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>The gateway's table in a lab namespace as nft prints it, and nft scripts run against it.</summary>
public static class LabTable
{
    /// <summary><c>nft list set inet outputguard NAME</c>.</summary>
    public static string Set(string netns, string name) => Tool.In(netns, "nft", "list", "set", "inet", TableLayout.TableName, name);

    /// <summary>The <c>size N</c> line of a set's listing.</summary>
    public static string Size(string netns, string name = "hosts4") =>
        Set(netns, name).Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("size ", StringComparison.Ordinal));

    /// <summary>The addresses of a set's elements, as nft prints them.</summary>
    public static HashSet<string> Elements(string netns, string name)
    {
        var text = Set(netns, name);
        var at = text.IndexOf("elements = {", StringComparison.Ordinal);
        if (at < 0)
        {
            return [];
        }

        var body = text[(at + "elements = {".Length)..text.IndexOf('}', at)];
        return [.. body.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => e.Split(' ')[0])];
    }

    /// <summary>The ruleset generation of the namespace.</summary>
    public static uint Generation(string netns)
    {
        using var nft = NftConnection.OpenIn(netns);
        return nft.GetGenerationId();
    }

    /// <summary>Runs <paramref name="script"/> with <c>nft -f</c> in the namespace.</summary>
    public static void Script(string netns, string script)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, script);
            Tool.In(netns, "nft", "-f", path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
