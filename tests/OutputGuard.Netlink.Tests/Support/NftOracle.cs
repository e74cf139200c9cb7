using System.Text.Json;

namespace OutputGuard.Netlink.Tests.Support;

/// <summary>The nft command as the oracle of what the library wrote: scripts in, <c>nft -j</c> objects out.</summary>
public static class NftOracle
{
    /// <summary>Feeds a script to <c>nft -f</c> inside a namespace.</summary>
    public static void Script(string netns, string script)
    {
        var path = Path.Combine(Path.GetTempPath(), $"og-nl-{Guid.NewGuid():N}.nft");
        File.WriteAllText(path, script);
        try
        {
            Tool.In(netns, "nft", "-f", path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A JSON document's root, detached from the document.</summary>
    public static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>The objects of <c>nft -j list ruleset</c> of one kind ("table", "chain", "rule", "set").</summary>
    public static List<JsonElement> Objects(string netns, string kind, params string[] listArgs)
    {
        var args = listArgs.Length == 0 ? ["list", "ruleset"] : listArgs;
        var root = Json(Tool.In(netns, "nft", ["-j", .. args]));
        return root.GetProperty("nftables").EnumerateArray()
            .Where(o => o.TryGetProperty(kind, out _))
            .Select(o => o.GetProperty(kind))
            .ToList();
    }
}
