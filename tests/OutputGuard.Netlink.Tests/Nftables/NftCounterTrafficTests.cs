using System.Net;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>Traffic across a veth pair through a set lookup shows up in that element's counters.</summary>
public sealed class NftCounterTrafficTests : IDisposable
{
    private readonly VethPair _pair = new();

    public void Dispose() => _pair.Dispose();

    [Fact]
    public async Task Pings_through_a_set_lookup_count_packets_and_bytes_on_the_sender_element_only()
    {
        var seen = new NftSet { Family = NftFamily.Inet, Table = "og", Name = "seen", KeyType = NftKeyType.Ipv4Addr, Counters = true };
        var input = NftChain.Base(NftFamily.Inet, "og", "input", NftHook.Input);
        using var nft = NftConnection.OpenIn(_pair.Server.Name);
        using (var batch = nft.BeginBatch())
        {
            batch.AddTable(new NftTable(NftFamily.Inet, "og"));
            batch.AddChain(input);
            batch.AddSet(seen);
            batch.AddElements(seen, [NftSetElement.Address(IPAddress.Parse("10.77.0.1")), NftSetElement.Address(IPAddress.Parse("10.77.0.2"))]);
            batch.AddRule(new NftRule
            {
                Family = NftFamily.Inet,
                Table = "og",
                Chain = "input",
                Expressions = [new NftMeta(NftMetaKey.NfProto), new NftCmp(NftCmpOp.Eq, [2]), NftPayload.Ipv4Source(), new NftLookup("seen"), NftImmediate.Accept],
            });
            batch.Commit();
        }

        Tool.In(_pair.Client.Name, "ping", "-c", "3", "-i", "0.2", "-W", "2", "10.77.0.2"); // 3 × 84-byte IPv4 packets

        var counted = await Eventually.Get(
            () => nft.ListElements(seen).SingleOrDefault(e => e.KeyAddress.Equals(IPAddress.Parse("10.77.0.1")) && e.Packets >= 3),
            TimeSpan.FromSeconds(5),
            "the sender's element counts the pings");
        Assert.Equal((3UL, 252UL), (counted.Packets!.Value, counted.Bytes!.Value));
        var receiver = nft.ListElements(seen).Single(e => e.KeyAddress.Equals(IPAddress.Parse("10.77.0.2")));
        Assert.Equal((0UL, 0UL), (receiver.Packets!.Value, receiver.Bytes!.Value));

        var oracle = NftOracle.Objects(_pair.Server.Name, "set", "list", "set", "inet", "og", "seen").Single().GetProperty("elem")
            .EnumerateArray().Select(e => e.GetProperty("elem"))
            .Single(e => e.GetProperty("val").GetString() == "10.77.0.1").GetProperty("counter");
        Assert.Equal((3UL, 252UL), (oracle.GetProperty("packets").GetUInt64(), oracle.GetProperty("bytes").GetUInt64()));
    }
}
