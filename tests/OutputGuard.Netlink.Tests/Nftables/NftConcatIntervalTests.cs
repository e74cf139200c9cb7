using System.Net;
using System.Text.Json.Nodes;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>Concatenated keys with ranges (pipapo: NFTA_SET_DESC_CONCAT + NFTA_SET_ELEM_KEY_END).</summary>
public sealed class NftConcatIntervalTests : IDisposable
{
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Address_range_protocol_port_element_is_listed_by_nft_and_read_back_with_its_counter()
    {
        var set = GatewayRuleset.Services with { Name = "svcranges", Flags = NftSetFlags.Interval };
        var element = NftSetElement.AddressProtocolPort(IPAddress.Parse("10.3.0.0"), 6, 443) with
        {
            KeyEnd = NftSetElement.AddressProtocolPort(IPAddress.Parse("10.3.0.255"), 6, 443).Key,
        };
        using var nft = NftConnection.OpenIn(_ns.Name);
        using (var batch = nft.BeginBatch())
        {
            batch.AddTable(new NftTable(NftFamily.Inet, GatewayRuleset.Table));
            batch.AddSet(set);
            batch.AddElements(set, [element]);
            batch.Commit();
        }

        var listed = NftOracle.Objects(_ns.Name, "set", "list", "set", "inet", "og", "svcranges").Single();
        var val = JsonNode.Parse(listed.GetProperty("elem")[0].GetProperty("elem").GetProperty("val").GetRawText())!;
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse("""{"concat":[{"prefix":{"addr":"10.3.0.0","len":24}},"tcp",443]}"""), val),
            val.ToJsonString());
        var back = Assert.Single(nft.ListElements(set));
        Assert.Equal(element.Key, back.Key);
        Assert.Equal(element.KeyEnd, back.KeyEnd);
        Assert.Equal(0UL, back.Packets);
    }
}
