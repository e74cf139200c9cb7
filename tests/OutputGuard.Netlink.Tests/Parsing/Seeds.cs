using System.Net;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Tests.Nftables;

namespace OutputGuard.Netlink.Tests.Parsing;

/// <summary>Valid message payloads for every parser, built with the library's writer: the starting points of the fuzzing.</summary>
internal static class Seeds
{
    internal static byte[] Route()
    {
        var w = Start();
        RouteCodec.Encode(w, new Route
        {
            Destination = IpPrefix.Parse("203.0.113.0/24"),
            Protocol = 99,
            Metric = 5,
            Table = 1000,
            PreferredSource = IPAddress.Parse("10.0.0.1"),
            NextHops = [new NextHop(IPAddress.Parse("10.0.0.2"), 3, 1), new NextHop(IPAddress.Parse("10.0.0.3"), 4, 7)],
        }, delete: false);
        return Payload(w);
    }

    internal static byte[] Link()
    {
        var w = Start();
        w.Header(new IfInfoMsg { Index = 3 });
        w.String(3, "veth0");
        w.U32(4, 1500);
        w.Bytes(1, [2, 0, 0, 0, 0, 1]);
        w.U8(16, 6);
        var info = w.BeginNested(18);
        w.String(1, "veth");
        w.EndNested(info);
        return Payload(w);
    }

    internal static byte[] Address()
    {
        var w = Start();
        w.Header(new IfAddrMsg { Family = 2, PrefixLength = 24, Index = 3 });
        w.Bytes(2, [10, 0, 0, 1]);
        w.Bytes(1, [10, 0, 0, 1]);
        return Payload(w);
    }

    internal static byte[] Rule()
    {
        var w = Start();
        w.Header(new NfGenMsg(1));
        w.String(1, "og");
        w.String(2, "forward");
        w.Be64(3, 42);
        NftExpressionCodec.WriteList(w, 4, [
            .. GatewayRuleset.AllowByDestination.Expressions, .. GatewayRuleset.DenyAndLog.Expressions,
            .. GatewayRuleset.Established.Expressions, new NftMasq(1), new NftNat(NftNatType.Dnat, 2, 1, 2, 3),
            NftImmediate.Load(1, [1, 2, 3, 4]),
        ], new NftEncodeContext(_ => 7));
        return Payload(w);
    }

    internal static byte[] Table()
    {
        var w = Start();
        w.Header(new NfGenMsg(1));
        w.String(1, "og");
        w.Be32(2, 0);
        w.Be32(3, 4);
        w.Be64(4, 9);
        return Payload(w);
    }

    internal static byte[] Chain()
    {
        var w = Start();
        w.Header(new NfGenMsg(1));
        w.String(1, "og");
        w.String(3, "forward");
        var hook = w.BeginNested(4);
        w.Be32(1, 2);
        w.Be32(2, unchecked((uint)-100));
        w.EndNested(hook);
        w.Be32(5, 0);
        w.String(7, "filter");
        return Payload(w);
    }

    internal static byte[] Set()
    {
        var w = Start();
        w.Header(new NfGenMsg(1));
        w.String(1, "og");
        w.String(2, "svc");
        w.Be32(3, 0x84);
        w.Be32(4, 29453);
        w.Be32(5, 12);
        w.Be64(11, 60000);
        var desc = w.BeginNested(9);
        w.Be32(1, 1000);
        var concat = w.BeginNested(2);
        foreach (var f in new[] { 4, 1, 2 })
        {
            var e = w.BeginNested(1);
            w.Be32(1, (uint)f);
            w.EndNested(e);
        }

        w.EndNested(concat);
        w.EndNested(desc);
        NftExpressionCodec.Write(w, 17, new NftCounter(), NftEncodeContext.Empty);
        return Payload(w);
    }

    internal static byte[] Elements()
    {
        var w = Start();
        w.Header(new NfGenMsg(1));
        w.String(1, "og");
        w.String(2, "allow4");
        var list = w.BeginNested(3);
        for (var i = 0; i < 3; i++)
        {
            var e = w.BeginNested(1);
            var key = w.BeginNested(1);
            w.Bytes(1, [10, 0, 0, (byte)i]);
            w.EndNested(key);
            w.Be32(3, (uint)(i & 1));
            w.Be64(4, 1000);
            NftExpressionCodec.Write(w, 7, new NftCounter(5, 500), NftEncodeContext.Empty);
            w.EndNested(e);
        }

        w.EndNested(list);
        return Payload(w);
    }

    internal static byte[] Generation()
    {
        var w = Start();
        w.Header(new NfGenMsg(0));
        w.Be32(1, 77);
        return Payload(w);
    }

    internal static byte[] LoggedPacket()
    {
        var w = Start();
        w.Header(new NfGenMsg(2, 5));
        w.Bytes(1, [0x08, 0x00, 1, 0]);
        w.Be32(4, 3);
        w.String(10, "og ");
        w.Bytes(3, new byte[16]);
        byte[] ip = [0x45, 0, 0, 33, 0, 0, 0, 0, 64, 17, 0, 0, 10, 77, 0, 1, 10, 77, 0, 2, 0x30, 0x39, 0x14, 0xe9, 0, 13, 0, 0, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o'];
        w.Bytes(9, ip);
        return Payload(w);
    }

    internal static byte[] Error()
    {
        var w = Start();
        w.Header(new NlMsgErr { Error = -22, Request = new NlMsgHdr { Length = 36, Type = 0x0a0c } }); // -EINVAL to NFT_MSG_NEWSETELEM
        w.String(1, "Could not process rule");
        w.U32(2, 64);
        return Payload(w);
    }

    private static NetlinkWriter Start()
    {
        var w = new NetlinkWriter();
        w.BeginMessage(0x10, 0, 1);
        return w;
    }

    private static byte[] Payload(NetlinkWriter w)
    {
        w.EndMessage(0);
        return w.Written[Nlmsg.HeaderLength..].ToArray();
    }
}
