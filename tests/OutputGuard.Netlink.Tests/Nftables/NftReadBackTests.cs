using System.Net;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Tests.Support;
using Xunit.Abstractions;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>What <c>nft -f</c> writes, the library reads back the same way.</summary>
public sealed class NftReadBackTests(ITestOutputHelper output) : IDisposable
{
    private const string Script = """
        table inet t {
          set s4 { type ipv4_addr; counter; elements = { 10.1.0.1, 10.1.0.2 } }
          set nets { type ipv4_addr; flags interval; counter; elements = { 10.2.0.0/24 } }
          set svc { type ipv4_addr . inet_proto . inet_service; counter; elements = { 10.3.0.1 . tcp . 443 } }
          chain gate {
            type filter hook forward priority 0; policy drop;
            ct state established,related accept
            ip daddr @s4 counter accept
            ip daddr . meta l4proto . th dport @svc accept
            ip daddr 10.9.9.9 log prefix "x " group 3 drop
            jump extra
          }
          chain extra { return; }
          chain post { type nat hook postrouting priority srcnat; masquerade; }
        }
        """;

    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Tables_and_chains_written_by_nft_are_read_back()
    {
        NftOracle.Script(_ns.Name, Script);
        using var nft = NftConnection.OpenIn(_ns.Name);

        var table = Assert.Single(nft.ListTables());
        Assert.Equal((NftFamily.Inet, "t"), (table.Family, table.Name));
        var chains = nft.ListChains(NftFamily.Inet, "t").ToDictionary(c => c.Name);
        Assert.Equal(
            (NftHook.Forward, 0, "filter", NftVerdictCode.Drop),
            (chains["gate"].Hook!.Value, chains["gate"].Priority, chains["gate"].Type, chains["gate"].Policy!.Value));
        Assert.Equal(
            (NftHook.Postrouting, 100, "nat", NftVerdictCode.Accept),
            (chains["post"].Hook!.Value, chains["post"].Priority, chains["post"].Type, chains["post"].Policy!.Value));
        Assert.Null(chains["extra"].Hook);
    }

    [Fact]
    public void Sets_and_elements_with_counters_written_by_nft_are_read_back()
    {
        NftOracle.Script(_ns.Name, Script);
        using var nft = NftConnection.OpenIn(_ns.Name);

        var sets = nft.ListSets(NftFamily.Inet, "t").ToDictionary(s => s.Name);
        Assert.Equal(NftKeyType.Ipv4Addr, sets["s4"].KeyType);
        Assert.True(sets["s4"].Counters);
        Assert.Equal(NftSetFlags.Interval, sets["nets"].Flags);
        Assert.Equal(NftKeyType.Concat(NftKeyType.Ipv4Addr, NftKeyType.InetProto, NftKeyType.InetService), sets["svc"].KeyType);

        var s4 = nft.ListElements(sets["s4"]);
        Assert.Equal(["10.1.0.1", "10.1.0.2"], s4.Select(e => e.KeyAddress.ToString()).Order());
        Assert.All(s4, e => Assert.Equal((0UL, 0UL), (e.Packets!.Value, e.Bytes!.Value)));

        var nets = nft.ListElements(sets["nets"]);
        foreach (var e in nets)
        {
            output.WriteLine($"{e.KeyAddress} end={e.IsIntervalEnd} packets={e.Packets}");
        }

        var start = Assert.Single(nets, e => !e.IsIntervalEnd);
        Assert.Equal(IPAddress.Parse("10.2.0.0"), start.KeyAddress);
        Assert.Equal(0UL, start.Packets);
        Assert.Contains(nets, e => e.IsIntervalEnd && e.KeyAddress.Equals(IPAddress.Parse("10.2.1.0")));

        var svc = Assert.Single(nft.ListElements(sets["svc"]));
        Assert.Equal(NftSetElement.AddressProtocolPort(IPAddress.Parse("10.3.0.1"), 6, 443).Key, svc.Key);
    }

    [Fact]
    public void Rules_written_by_nft_are_read_back_with_their_expressions()
    {
        NftOracle.Script(_ns.Name, Script);
        using var nft = NftConnection.OpenIn(_ns.Name);

        var rules = nft.ListRules(NftFamily.Inet, "t", "gate");
        foreach (var r in rules)
        {
            output.WriteLine(string.Join(" ; ", r.Expressions));
        }

        Assert.Equal(5, rules.Count);
        Assert.All(rules, r => Assert.NotEqual(0UL, r.Handle));
        Assert.Equal<NftExpression>(
            [new NftCt(NftCtKey.State), new NftBitwise([6, 0, 0, 0], [0, 0, 0, 0]), new NftCmp(NftCmpOp.Neq, [0, 0, 0, 0]), NftImmediate.Accept],
            rules[0].Expressions);
        Assert.Equal<NftExpression>(
            [new NftMeta(NftMetaKey.NfProto), new NftCmp(NftCmpOp.Eq, [2]), NftPayload.Ipv4Destination(), new NftLookup("s4"), new NftCounter(), NftImmediate.Accept],
            rules[1].Expressions);
        // A concatenation is loaded into consecutive 4-byte registers starting at NFT_REG_1 (= NFT_REG32_00).
        Assert.Equal<NftExpression>(
            [NftPayload.Ipv4Destination(), new NftMeta(NftMetaKey.L4Proto, NftRegisters.Reg32(1)), NftPayload.DestinationPort(NftRegisters.Reg32(2)), new NftLookup("svc"), NftImmediate.Accept],
            rules[2].Expressions.Skip(2));
        Assert.Equal<NftExpression>(
            [new NftMeta(NftMetaKey.NfProto), new NftCmp(NftCmpOp.Eq, [2]), NftPayload.Ipv4Destination(), new NftCmp(NftCmpOp.Eq, [10, 9, 9, 9]), new NftLog { Prefix = "x ", Group = 3 }, NftImmediate.Drop],
            rules[3].Expressions);
        Assert.Equal<NftExpression>([NftImmediate.Jump("extra")], rules[4].Expressions);
        Assert.Equal<NftExpression>([new NftMasq()], Assert.Single(nft.ListRules(NftFamily.Inet, "t", "post")).Expressions);
    }
}
