using System.Net;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>A batch is one transaction; failures name the request and the errno.</summary>
public sealed class NftTransactionTests : IDisposable
{
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Batch_with_one_invalid_element_applies_nothing()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"));
        var before = nft.ListElements(GatewayRuleset.Allow4).Select(e => e.KeyAddress.ToString()).Order().ToList();

        using var batch = nft.BeginBatch();
        batch.AddTable(new NftTable(NftFamily.Ip, "not-created"));
        batch.AddElements(GatewayRuleset.Allow4, [
            NftSetElement.Address(IPAddress.Parse("192.0.2.3")),
            new NftSetElement { Key = [192, 0, 2] }, // three bytes in an ipv4_addr set
            NftSetElement.Address(IPAddress.Parse("192.0.2.4")),
        ]);
        var error = Assert.Throws<NetlinkException>(batch.Commit);

        Assert.Equal("EINVAL", error.ErrnoName);
        Assert.Contains("NFT_MSG_NEWSETELEM", error.Request, StringComparison.Ordinal);
        Assert.Equal(before, nft.ListElements(GatewayRuleset.Allow4).Select(e => e.KeyAddress.ToString()).Order());
        Assert.Equal(["192.0.2.1", "192.0.2.2"], NftOracle.Objects(_ns.Name, "set", "list", "set", "inet", "og", "allow4")
            .Single().GetProperty("elem").EnumerateArray().Select(e => e.GetProperty("elem").GetProperty("val").GetString()).Order());
        Assert.Single(NftOracle.Objects(_ns.Name, "table"));
    }

    [Fact]
    public void Kernel_refusal_carries_errno_name_and_the_request()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        var missing = GatewayRuleset.Allow4 with { Name = "nosuch" };

        using var batch = nft.BeginBatch();
        batch.AddElements(missing, [NftSetElement.Address(IPAddress.Parse("192.0.2.9"))]);
        var error = Assert.Throws<NetlinkException>(batch.Commit);

        Assert.Equal(2, (int)error.Errno);
        Assert.Equal("ENOENT", error.ErrnoName);
        Assert.Contains("NFT_MSG_NEWSETELEM (elements of og nosuch)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generation_id_grows_with_each_committed_transaction()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        var first = nft.GetGenerationId();
        GatewayRuleset.Apply(nft);
        var second = nft.GetGenerationId();
        Tool.In(_ns.Name, "nft", "add", "table", "ip", "other");
        var third = nft.GetGenerationId();

        Assert.True(second > first, $"{second} > {first}");
        Assert.True(third > second, $"{third} > {second}");
    }

    [Fact]
    public void Deleted_and_flushed_elements_are_gone()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.2"), IPAddress.Parse("192.0.2.3"));

        using (var batch = nft.BeginBatch())
        {
            batch.DeleteElements(GatewayRuleset.Allow4, [NftSetElement.Address(IPAddress.Parse("192.0.2.2"))]);
            batch.Commit();
        }

        Assert.Equal(["192.0.2.1", "192.0.2.3"], nft.ListElements(GatewayRuleset.Allow4).Select(e => e.KeyAddress.ToString()).Order());
        using (var batch = nft.BeginBatch())
        {
            batch.FlushSet(GatewayRuleset.Allow4);
            batch.Commit();
        }

        Assert.Empty(nft.ListElements(GatewayRuleset.Allow4));
    }

    [Fact]
    public void Deleted_rule_is_gone_and_the_others_stay()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        var rules = nft.ListRules(NftFamily.Inet, GatewayRuleset.Table, "forward");

        using (var batch = nft.BeginBatch())
        {
            batch.DeleteRule(rules[1]);
            batch.Commit();
        }

        Assert.Equal([rules[0].Handle, rules[2].Handle], nft.ListRules(NftFamily.Inet, GatewayRuleset.Table, "forward").Select(r => r.Handle));
        Assert.Equal(2, NftOracle.Objects(_ns.Name, "rule", "list", "chain", "inet", "og", "forward").Count);
    }
}
