using System.Text.Json;
using OutputGuard.Agent.Gateway.Enforcement;

namespace OutputGuard.Agent.Gateway.Tests.Infrastructure;

/// <summary>The gateway's table as <c>nft -j</c> shows it: the oracle of the drift tests.</summary>
public static class TableOracle
{
    /// <summary>The objects of <c>nft -j list table inet outputguard</c>, or null when there is no such table (or its listing tore).</summary>
    public static List<JsonElement>? Objects(string netns)
    {
        var (code, output) = Tool.TryRun("ip", "netns", "exec", netns, "nft", "-j", "list", "table", "inet", TableLayout.TableName);
        if (code != 0)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(output);
            return [.. doc.RootElement.GetProperty("nftables").EnumerateArray().Select(e => e.Clone())];
        }
        catch (JsonException)
        {
            // nft printed a torn listing: the table changed while it was read (a repair in flight). Not as applied yet.
            return null;
        }
    }

    /// <summary>
    /// Whether the table is what the agent applied (enforcing mode): forward policy drop, exactly the layout's
    /// rules, no foreign chain, and <c>hosts4</c> holding exactly <paramref name="hosts"/>.
    /// </summary>
    public static bool IsAsApplied(string netns, params string[] hosts)
    {
        var objects = Objects(netns);
        if (objects is null)
        {
            return false;
        }

        var chains = objects.Where(o => o.TryGetProperty("chain", out _)).Select(o => o.GetProperty("chain")).ToList();
        var forward = chains.FirstOrDefault(c => c.GetProperty("name").GetString() == TableLayout.ForwardChain);
        if (forward.ValueKind == JsonValueKind.Undefined || !forward.TryGetProperty("policy", out var policy) || policy.GetString() != "drop")
        {
            return false;
        }

        if (chains.Count != TableLayout.Chains.Count)
        {
            return false;
        }

        var rules = objects.Where(o => o.TryGetProperty("rule", out _)).Select(o => o.GetProperty("rule"))
            .Count(r => r.GetProperty("chain").GetString() == TableLayout.ForwardChain);
        if (rules != TableLayout.ForwardRules(observe: false).Count)
        {
            return false;
        }

        return Elements(objects, "hosts4").Order(StringComparer.Ordinal).SequenceEqual(hosts.Order(StringComparer.Ordinal));
    }

    /// <summary>The element values of a set (addresses of a plain set).</summary>
    public static List<string> Elements(List<JsonElement> objects, string set)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var found = objects.Where(o => o.TryGetProperty("set", out var s) && s.GetProperty("name").GetString() == set).Select(o => o.GetProperty("set")).FirstOrDefault();
        if (found.ValueKind == JsonValueKind.Undefined || !found.TryGetProperty("elem", out var elements))
        {
            return [];
        }

        return [.. elements.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetProperty("elem").GetProperty("val").GetString()!)];
    }
}
