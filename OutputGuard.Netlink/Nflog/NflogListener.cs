using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Sockets;
using static OutputGuard.Netlink.Nflog.NflogCodec;

namespace OutputGuard.Netlink.Nflog;

/// <summary>
/// nfnetlink_log: binds a log group and yields the packets that <c>log group N</c> rules send to it.
/// </summary>
public static class NflogListener
{
    /// <summary>
    /// Binds <paramref name="group"/> (in <c>/var/run/netns/<paramref name="netns"/></c> when given) and returns the
    /// live subscription. Each packet carries up to <paramref name="copyRange"/> bytes from its network header.
    /// EBUSY means another socket holds the group.
    /// </summary>
    public static NetlinkSubscription<NflogPacket> Subscribe(ushort group, string? netns = null, int copyRange = 512)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(copyRange);
        var socket = NetlinkSocket.Open(NetlinkSocket.NETLINK_NETFILTER, netns, TypeName);
        try
        {
            var w = new NetlinkWriter(256);
            Config(w, group, wr => wr.Bytes(NFULA_CFG_CMD, [NFULNL_CFG_CMD_BIND]));
            socket.Request(w);
            Config(w, group, wr =>
            {
                Span<byte> mode = stackalloc byte[NfulnlConfigMode.Size];
                new NfulnlConfigMode((uint)copyRange, NFULNL_COPY_PACKET).Write(mode);
                wr.Bytes(NFULA_CFG_MODE, mode);
                wr.Be32(NFULA_CFG_QTHRESH, 1);
                wr.Be32(NFULA_CFG_TIMEOUT, 0);
            });
            socket.Request(w);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NetlinkSubscription<NflogPacket>(
            socket,
            static (m, events) =>
            {
                if (m.Type == MessageType(NFULNL_MSG_PACKET))
                {
                    events.Add(ParsePacket(m.Payload));
                }
            },
            lost: null);
    }

    private static void Config(NetlinkWriter w, ushort group, Action<NetlinkWriter> attributes)
    {
        w.Reset();
        var m = w.BeginMessage(MessageType(NFULNL_MSG_CONFIG), Nlmsg.NLM_F_REQUEST | Nlmsg.NLM_F_ACK, 0);
        w.Header(new NfGenMsg(0, group));
        attributes(w);
        w.EndMessage(m);
    }
}
