using System.Buffers.Binary;
using System.Net;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>Keys written straight into a batch (no element objects) are the same elements, in one transaction.</summary>
public sealed class NftRawKeysTests : IDisposable
{
    private readonly NetnsFixture _ns = new();

    private static NftSet Hosts6 { get; } = GatewayRuleset.Allow4 with { Name = "allow6", KeyType = NftKeyType.Ipv6Addr };

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Ten_thousand_raw_keys_go_in_in_one_transaction_across_several_messages_and_come_back_as_those_addresses()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        var keys = new byte[4 * 10_000];
        for (var i = 0; i < 10_000; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(keys.AsSpan(4 * i), 0xC6336400u + (uint)i);
        }

        var generation = nft.GetGenerationId();
        using (var batch = nft.BeginBatch())
        {
            batch.AddKeys(GatewayRuleset.Allow4, keys);
            Assert.True(batch.MessageCount > 1, "10,000 keys need more than one NEWSETELEM message");
            batch.Commit();
        }

        Assert.Equal(generation + 1, nft.GetGenerationId());
        var listed = NftOracle.Objects(_ns.Name, "set", "list", "set", "inet", "og", "allow4").Single().GetProperty("elem")
            .EnumerateArray().Select(e => (e.ValueKind == System.Text.Json.JsonValueKind.Object ? e.GetProperty("elem").GetProperty("val") : e).GetString()!).ToHashSet();
        var expected = Enumerable.Range(0, 10_000).Select(i => new IPAddress(keys.AsSpan(4 * i, 4)).ToString()).ToHashSet();
        Assert.Equal(expected, listed);
    }

    [Fact]
    public void Raw_ipv6_keys_are_deleted_as_they_were_added_and_the_rest_stay()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        using (var create = nft.BeginBatch())
        {
            create.AddSet(Hosts6);
            create.Commit();
        }

        var addresses = new[] { "2001:db8::1", "2001:db8::2", "2001:db8:1::7" }.Select(IPAddress.Parse).ToList();
        using (var batch = nft.BeginBatch())
        {
            batch.AddKeys(Hosts6, addresses.SelectMany(a => a.GetAddressBytes()).ToArray());
            batch.Commit();
        }

        using (var batch = nft.BeginBatch())
        {
            batch.DeleteKeys(Hosts6, addresses[1].GetAddressBytes());
            batch.Commit();
        }

        Assert.Equal(
            new[] { "2001:db8::1", "2001:db8:1::7" }.ToHashSet(),
            nft.ListElements(Hosts6).Select(e => e.KeyAddress.ToString()).ToHashSet());
    }

    [Fact]
    public void Keys_that_are_not_whole_keys_of_the_set_are_refused_before_anything_is_queued()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        using var batch = nft.BeginBatch();
        var before = batch.ByteCount;

        var error = Assert.Throws<ArgumentException>(() => batch.AddKeys(GatewayRuleset.Allow4, new byte[6]));

        Assert.Contains("4-byte keys", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, batch.ByteCount);
    }
}
