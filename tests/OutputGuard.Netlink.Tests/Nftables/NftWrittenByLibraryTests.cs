using System.Net;
using System.Text.Json.Nodes;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Tests.Support;
using Xunit.Abstractions;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>What the library writes, <c>nft -j list ruleset</c> shows exactly.</summary>
public sealed class NftWrittenByLibraryTests(ITestOutputHelper output) : IDisposable
{
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Tables_chains_and_sets_written_by_the_library_are_listed_by_nft()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft, IPAddress.Parse("192.0.2.10"), IPAddress.Parse("192.0.2.11"));
        output.WriteLine(Tool.In(_ns.Name, "nft", "-j", "list", "ruleset"));

        var table = Assert.Single(NftOracle.Objects(_ns.Name, "table"));
        Assert.Equal("inet", table.GetProperty("family").GetString());
        Assert.Equal("og", table.GetProperty("name").GetString());

        var chains = NftOracle.Objects(_ns.Name, "chain").ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(["allowed", "forward", "postrouting"], chains.Keys.Order());
        AssertJson("""{"type":"filter","hook":"forward","prio":0,"policy":"drop"}""", chains["forward"], "type", "hook", "prio", "policy");
        AssertJson("""{"type":"nat","hook":"postrouting","prio":100,"policy":"accept"}""", chains["postrouting"], "type", "hook", "prio", "policy");
        Assert.False(chains["allowed"].TryGetProperty("hook", out _));

        var sets = NftOracle.Objects(_ns.Name, "set").ToDictionary(s => s.GetProperty("name").GetString()!);
        Assert.Equal("ipv4_addr", sets["allow4"].GetProperty("type").GetString());
        AssertExpr("""["ipv4_addr","inet_proto","inet_service"]""", JsonNode.Parse(sets["services"].GetProperty("type").GetRawText())!);
        AssertExpr("""["interval"]""", JsonNode.Parse(sets["allownets"].GetProperty("flags").GetRawText())!);
        AssertExpr("""[{"counter":null}]""", JsonNode.Parse(sets["allow4"].GetProperty("stmt").GetRawText())!);
        Assert.Contains("timeout", sets["denied"].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        var elems = sets["allow4"].GetProperty("elem").EnumerateArray().Select(e => JsonNode.Parse(e.GetRawText())!).ToList();
        Assert.Equal(2, elems.Count);
        Assert.Contains(elems, e => JsonNode.DeepEquals(e, JsonNode.Parse("""{"elem":{"val":"192.0.2.10","counter":{"packets":0,"bytes":0}}}""")));
        Assert.Contains(elems, e => JsonNode.DeepEquals(e, JsonNode.Parse("""{"elem":{"val":"192.0.2.11","counter":{"packets":0,"bytes":0}}}""")));
    }

    [Fact]
    public void Rules_written_by_the_library_are_listed_by_nft_as_the_statements_they_encode()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);

        var rules = NftOracle.Objects(_ns.Name, "rule")
            .Select(r => (Chain: r.GetProperty("chain").GetString(), Expr: JsonNode.Parse(r.GetProperty("expr").GetRawText())!))
            .ToList();
        foreach (var r in rules)
        {
            output.WriteLine($"{r.Chain}: {r.Expr.ToJsonString()}");
        }

        Assert.Equal(["forward", "forward", "forward", "allowed", "postrouting"], rules.Select(r => r.Chain));
        AssertExpr("""[{"match":{"op":"in","left":{"ct":{"key":"state"}},"right":["established","related"]}},{"accept":null}]""", rules[0].Expr);
        // nft folds the "meta nfproto ipv4" dependency into "ip daddr", as it does for its own rules.
        AssertExpr("""[{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"daddr"}},"right":"@allow4"}},{"counter":{"packets":0,"bytes":0}},{"jump":{"target":"allowed"}}]""", rules[1].Expr);
        AssertExpr("""[{"set":{"op":"update","elem":{"elem":{"val":{"payload":{"protocol":"ip","field":"daddr"}},"timeout":30}},"set":"@denied"}},{"log":{"prefix":"og-deny ","group":7}},{"drop":null}]""", rules[2].Expr);
        AssertExpr("""[{"counter":{"packets":0,"bytes":0}},{"accept":null}]""", rules[3].Expr);
        AssertExpr("""[{"masquerade":null}]""", rules[4].Expr);
    }

    private static void AssertExpr(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\n  actual {actual.ToJsonString()}");

    private static void AssertJson(string expected, System.Text.Json.JsonElement actual, params string[] keys)
    {
        var picked = new JsonObject();
        foreach (var k in keys)
        {
            picked[k] = JsonNode.Parse(actual.GetProperty(k).GetRawText());
        }

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), picked), $"expected {expected}\n  actual {picked.ToJsonString()}");
    }
}
