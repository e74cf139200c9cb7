using System.Runtime.CompilerServices;
using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;
using OutputGuard.Netlink.Tests.Nftables;

namespace OutputGuard.Netlink.Tests.Parsing;

/// <summary>The typed headers, byte orders, errno values and ct state bits are the kernel's (without a kernel).</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void Headers_have_the_sizes_of_the_kernel_structs()
    {
        Assert.Equal(
            (16, 20, 4, 4, 16, 8, 12, 8),
            (Unsafe.SizeOf<NlMsgHdr>(), Unsafe.SizeOf<NlMsgErr>(), Unsafe.SizeOf<NlAttr>(), Unsafe.SizeOf<NfGenMsg>(),
                Unsafe.SizeOf<IfInfoMsg>(), Unsafe.SizeOf<IfAddrMsg>(), Unsafe.SizeOf<RtMsg>(), Unsafe.SizeOf<RtNextHop>()));
    }

    [Fact]
    public void Netlink_header_is_host_order_and_nfgenmsg_resource_id_network_order()
    {
        var w = new NetlinkWriter();
        var m = w.BeginMessage(0x0a0c, Nlmsg.NLM_F_REQUEST, 0x01020304);
        w.Header(new NfGenMsg(2, 0x0105));
        w.EndMessage(m);

        var bytes = w.Written.ToArray();
        Assert.Equal(BitConverter.GetBytes(20u), bytes[0..4]);
        Assert.Equal(BitConverter.GetBytes((ushort)0x0a0c), bytes[4..6]);
        Assert.Equal(BitConverter.GetBytes(0x01020304u), bytes[8..12]);
        Assert.Equal([2, 0, 0x01, 0x05], bytes[16..20]);
        Assert.Equal((byte)2, Wire.Header<NfGenMsg>(bytes.AsSpan(16), out _).Family);
        Assert.Equal((ushort)0x0105, Wire.Header<NfGenMsg>(bytes.AsSpan(16), out _).ResourceId);
    }

    [Fact]
    public void Ct_state_bits_are_the_kernels_loaded_in_host_order()
    {
        Assert.Equal(
            (1u, 2u, 4u, 8u, 64u),
            ((uint)NftCtState.Invalid, (uint)NftCtState.Established, (uint)NftCtState.Related, (uint)NftCtState.New, (uint)NftCtState.Untracked));
        Assert.Equal(BitConverter.GetBytes(6u), NftCt.StateBytes(NftCtState.Established | NftCtState.Related));

        // The expressions nft writes for `ct state established,related` (read back from the kernel in NftReadBackTests).
        Assert.Equal<NftExpression>(GatewayRuleset.Established.Expressions.Take(3), NftCt.StateIsAnyOf(NftCtState.Established | NftCtState.Related));
    }

    [Fact]
    public void Errno_has_the_kernels_values_and_names()
    {
        Assert.Equal((1, 2, 3, 17, 22, 105), ((int)Errno.EPERM, (int)Errno.ENOENT, (int)Errno.ESRCH, (int)Errno.EEXIST, (int)Errno.EINVAL, (int)Errno.ENOBUFS));
        Assert.Equal("EEXIST", new NetlinkException(Errno.EEXIST, "RTM_NEWROUTE").ErrnoName);
        Assert.Equal("E#999", new NetlinkException((Errno)999, "RTM_NEWROUTE").ErrnoName);
        Assert.StartsWith("RTM_NEWROUTE failed: EEXIST (", new NetlinkException(Errno.EEXIST, "RTM_NEWROUTE").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_expression_kind_decodes_what_it_encodes()
    {
        NftExpression[] expressions =
        [
            new NftMeta(NftMetaKey.Mark, 9),
            new NftPayload(NftPayloadBase.Transport, 2, 2, 10),
            new NftCmp(NftCmpOp.Gte, [1, 2], 9),
            new NftBitwise([0xff, 0], [0, 1], 9, 10),
            new NftCt(NftCtKey.ProtoDst, 11, NftCt.Original),
            new NftCt(NftCtKey.Direction),
            new NftLookup("s", 9, Invert: true),
            new NftDynset("d", NftDynsetOp.Add, 9),
            new NftDynset("d", NftDynsetOp.Update, 9, TimeSpan.FromSeconds(3)),
            new NftCounter(7, 700),
            NftImmediate.Jump("c"),
            NftImmediate.Load(9, [1, 2]),
            new NftMasq(4),
            new NftNat(NftNatType.Snat, 10, 1, null, 2),
            new NftLog { Group = 3, Prefix = "p ", Snaplen = 64, QueueThreshold = 2 },
            new NftLog(),
            new NftUnknownExpression("notrack", []),
        ];

        foreach (var expression in expressions)
        {
            var w = new NetlinkWriter();
            NftExpressionCodec.Write(w, 1, expression, NftEncodeContext.Empty);
            var reader = new AttributeReader(w.Written);
            Assert.True(reader.Next(out _, out var encoded));

            Assert.Equal(expression, NftExpressionCodec.Read(encoded));
        }
    }
}
