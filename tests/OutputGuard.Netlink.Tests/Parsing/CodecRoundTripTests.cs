using System.Net;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Nflog;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;
using OutputGuard.Netlink.Tests.Nftables;

namespace OutputGuard.Netlink.Tests.Parsing;

/// <summary>What the writer encodes, the parsers decode to the same values (without a kernel).</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class CodecRoundTripTests
{
    [Fact]
    public void Multipath_route_round_trips()
    {
        Assert.True(RouteCodec.TryParse(Seeds.Route(), out var route));

        Assert.Equal((IpPrefix.Parse("203.0.113.0/24"), 1000u, (byte)99, (uint?)5), (route.Destination, route.Table, route.Protocol, route.Metric));
        Assert.Equal([new NextHop(IPAddress.Parse("10.0.0.2"), 3, 1), new NextHop(IPAddress.Parse("10.0.0.3"), 4, 7)], route.NextHops);
    }

    [Fact]
    public void Rule_expressions_round_trip()
    {
        var rule = NftCodec.ParseRule(Seeds.Rule());

        Assert.Equal<NftExpression>(
            [
                .. GatewayRuleset.AllowByDestination.Expressions, .. GatewayRuleset.DenyAndLog.Expressions,
                .. GatewayRuleset.Established.Expressions, new NftMasq(1), new NftNat(NftNatType.Dnat, 2, 1, 2, 3),
                NftImmediate.Load(1, [1, 2, 3, 4]),
            ],
            rule.Expressions);
        Assert.Equal(("og", "forward", 42UL), (rule.Table, rule.Chain, rule.Handle));
    }

    [Fact]
    public void Concatenated_set_with_counters_round_trips()
    {
        var set = NftCodec.ParseSet(Seeds.Set());

        Assert.Equal(NftKeyType.Concat(NftKeyType.Ipv4Addr, NftKeyType.InetProto, NftKeyType.InetService), set.KeyType);
        Assert.Equal((NftSetFlags.Interval, true, (uint?)1000, TimeSpan.FromMinutes(1)), (set.Flags, set.Counters, set.Size, set.Timeout!.Value));
    }

    [Fact]
    public void Elements_with_counters_and_interval_ends_round_trip()
    {
        var elements = new List<NftSetElement>();
        NftCodec.ParseElements(Seeds.Elements(), elements);

        Assert.Equal([false, true, false], elements.Select(e => e.IsIntervalEnd));
        Assert.All(elements, e => Assert.Equal((5UL, 500UL), (e.Packets!.Value, e.Bytes!.Value)));
        Assert.Equal(IPAddress.Parse("10.0.0.2"), elements[2].KeyAddress);
    }

    [Fact]
    public void Logged_packet_decodes_addresses_ports_and_payload()
    {
        var packet = NflogCodec.ParsePacket(Seeds.LoggedPacket());

        Assert.Equal((5, "og ", 3, (ushort?)12345, (ushort?)5353), ((int)packet.Group, packet.Prefix, packet.InputInterface, packet.SourcePort, packet.DestinationPort));
        Assert.Equal("hello"u8.ToArray(), packet.TransportPayload.ToArray());
    }

    [Fact]
    public void Kernel_error_carries_errno_request_and_extended_ack_message()
    {
        var error = NetlinkSocket.ParseError(
            new NetlinkMessage(Nlmsg.NLMSG_ERROR, Nlmsg.NLM_F_CAPPED | Nlmsg.NLM_F_ACK_TLVS, 1, 0, Seeds.Error()),
            NftConnection.TypeName,
            null)!;

        Assert.Equal(("EINVAL", "NFT_MSG_NEWSETELEM", "Could not process rule", (int?)64), (error.ErrnoName, error.Request, error.KernelMessage, error.AttributeOffset));
    }

    [Fact]
    public void Ten_thousand_elements_are_split_into_messages_under_the_attribute_limit()
    {
        using var nft = NftConnection.Open(); // nothing is committed: the batch is only encoded
        using var batch = nft.BeginBatch();
        batch.AddElements(GatewayRuleset.Allow4, Enumerable.Range(0, 10_000).Select(i => NftSetElement.Address(new IPAddress(0x0100000A + (i << 8)))));

        var reader = new MessageReader(batch.Written);
        var sizes = new List<int>();
        while (reader.Next(out var m))
        {
            sizes.Add(m.Payload.Length);
        }

        Assert.True(sizes.Count >= 1 + 3 && batch.MessageCount >= 3, $"{sizes.Count} messages"); // BATCH_BEGIN + element messages
        Assert.All(sizes, s => Assert.True(s < 65_536, $"{s} bytes"));
    }
}
