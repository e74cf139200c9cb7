using System.Runtime.InteropServices;
using OutputGuard.Netlink.Interop;
using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Sockets;

/// <summary>Parses one message of a dump; returns false to skip it.</summary>
internal delegate bool MessageParser<T>(NetlinkMessage message, out T item);

/// <summary>
/// A netlink socket: request/ACK, multi-part dumps (retried when the kernel marks them interrupted or
/// the socket overruns), batches, and multicast receive. Owned by a <see cref="SafeNetlinkHandle"/>.
/// One request at a time (calls are serialised).
/// </summary>
internal sealed partial class NetlinkSocket : IDisposable
{
    internal const int NETLINK_ROUTE = 0;
    internal const int NETLINK_NETFILTER = 12;
    private const int ReceiveBufferBytes = 1 << 20;
    private const int MaxDumpAttempts = 8;

    private readonly SafeNetlinkHandle _handle;
    private readonly Func<ushort, string> _typeName;
    private readonly byte[] _receive = new byte[ReceiveBufferBytes];
    private readonly Lock _gate = new();
    private uint _seq;
    private int _sendBuffer;

    private NetlinkSocket(SafeNetlinkHandle handle, uint portId, Func<ushort, string> typeName)
    {
        _handle = handle;
        PortId = portId;
        _typeName = typeName;
        _seq = (uint)Environment.TickCount;
    }

    /// <summary>The port id the kernel assigned (nl_pid).</summary>
    internal uint PortId { get; }

    /// <summary>Opens a socket in the current namespace, or inside /var/run/netns/<paramref name="netns"/>.</summary>
    internal static NetlinkSocket Open(int protocol, string? netns, Func<ushort, string> typeName, IReadOnlyList<uint>? groups = null)
    {
        var handle = netns is null ? Create(protocol) : NetworkNamespace.Run(netns, () => Create(protocol));
        try
        {
            return Configure(handle, typeName, groups ?? []);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    internal uint NextSeq()
    {
        lock (_gate)
        {
            return ++_seq == 0 ? ++_seq : _seq;
        }
    }

    /// <summary>Sends one request with NLM_F_ACK and waits for the ACK; replies other than the ACK go to <paramref name="onReply"/>.</summary>
    internal void Request(NetlinkWriter request, MessageHandler? onReply = null)
    {
        lock (_gate)
        {
            var seq = PatchSeq(request);
            Send(request.Written);
            while (true)
            {
                var n = Receive(blocking: true);
                var reader = new MessageReader(_receive.AsSpan(0, n));
                while (reader.Next(out var m))
                {
                    if (m.Seq != seq)
                    {
                        continue;
                    }

                    if (m.Type == Nlmsg.NLMSG_ERROR)
                    {
                        if (ParseError(m) is { } error)
                        {
                            throw error;
                        }

                        return;
                    }

                    onReply?.Invoke(m);
                }
            }
        }
    }

    /// <summary>Adds multicast group membership (RTNLGRP_*, NFNLGRP_*).</summary>
    internal unsafe void Join(uint group)
    {
        var g = group;
        SetOption(Libc.SOL_NETLINK, Libc.NETLINK_ADD_MEMBERSHIP, &g, "NETLINK_ADD_MEMBERSHIP");
    }

    /// <summary>Waits up to <paramref name="timeout"/> for a datagram; returns its length, or -1 when none came.</summary>
    internal unsafe int TryReceive(TimeSpan timeout, out ReadOnlySpan<byte> datagram)
    {
        // poll(2) takes the raw descriptor, which the marshaller does not protect: hold a reference so a
        // concurrent Dispose cannot close it (and the number be reused) while poll waits on it.
        var added = false;
        int ready;
        try
        {
            _handle.DangerousAddRef(ref added);
            var fd = new Libc.PollFd { Fd = (int)_handle.DangerousGetHandle(), Events = Libc.POLLIN };
            ready = Libc.Poll(&fd, 1, (int)timeout.TotalMilliseconds);
        }
        finally
        {
            if (added)
            {
                _handle.DangerousRelease();
            }
        }

        datagram = default;
        if (ready <= 0)
        {
            return -1;
        }

        var n = Receive(blocking: false);
        if (n >= 0)
        {
            datagram = _receive.AsSpan(0, n);
        }

        return n;
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    internal NetlinkException? ParseError(NetlinkMessage m, Func<uint, string>? describe = null) =>
        ParseError(m, _typeName, describe);

    /// <summary>Turns an NLMSG_ERROR payload into an exception (null for an ACK), reading the extended-ACK TLVs.</summary>
    internal static NetlinkException? ParseError(NetlinkMessage m, Func<ushort, string> typeName, Func<uint, string>? describe)
    {
        // An acknowledgement is a struct nlmsgerr whose error is 0: nothing after the error needs reading.
        var p = m.Payload;
        var errno = (Errno)(-Wire.I32(p));
        if (errno == 0)
        {
            return null;
        }

        var error = Wire.Header<NlMsgErr>(p, out _);
        var request = describe?.Invoke(m.Seq) ?? typeName(error.Request.Type);
        string? text = null;
        int? offset = null;
        if ((m.Flags & Nlmsg.NLM_F_ACK_TLVS) != 0)
        {
            // The attributes follow the request's header (NLM_F_CAPPED), else the whole echoed request.
            var echoed = (m.Flags & Nlmsg.NLM_F_CAPPED) != 0
                ? Nlmsg.HeaderLength
                : Nlmsg.Align((int)Math.Min(error.Request.Length, (uint)p.Length));
            var tlvStart = sizeof(int) + echoed;
            if (tlvStart <= p.Length)
            {
                var tlvs = new AttributeReader(p[tlvStart..]);
                while (tlvs.Next(out var type, out var value))
                {
                    if (type == Nlmsg.NLMSGERR_ATTR_MSG)
                    {
                        text = Wire.String(value);
                    }
                    else if (type == Nlmsg.NLMSGERR_ATTR_OFFS)
                    {
                        offset = (int)Wire.U32(value);
                    }
                }
            }
        }

        return new NetlinkException(errno, request, text, offset);
    }

    private static SafeNetlinkHandle Create(int protocol)
    {
        var fd = Libc.Socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, protocol);
        return fd < 0 ? throw NetlinkException.FromLastError("socket(AF_NETLINK)") : new SafeNetlinkHandle(fd);
    }

    private static unsafe NetlinkSocket Configure(SafeNetlinkHandle handle, Func<ushort, string> typeName, IReadOnlyList<uint> groups)
    {
        var address = new Libc.SockaddrNl { Family = Libc.AF_NETLINK };
        if (Libc.Bind(handle, &address, sizeof(Libc.SockaddrNl)) != 0)
        {
            throw NetlinkException.FromLastError("bind(AF_NETLINK)");
        }

        var len = sizeof(Libc.SockaddrNl);
        if (Libc.GetSockName(handle, &address, &len) != 0)
        {
            throw NetlinkException.FromLastError("getsockname(AF_NETLINK)");
        }

        var socket = new NetlinkSocket(handle, address.Pid, typeName);
        var one = 1;
        socket.SetOption(Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, &one, "NETLINK_EXT_ACK");
        socket.SetOption(Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, &one, "NETLINK_CAP_ACK");
        var rcv = 8 << 20;
        if (Libc.SetSockOpt(handle, Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, &rcv, sizeof(int)) != 0)
        {
            socket.SetOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, &rcv, "SO_RCVBUF");
        }

        foreach (var group in groups)
        {
            socket.Join(group);
        }

        return socket;
    }

    private unsafe void SetOption(int level, int name, void* value, string what)
    {
        if (Libc.SetSockOpt(_handle, level, name, value, sizeof(int)) != 0)
        {
            throw NetlinkException.FromLastError($"setsockopt({what})");
        }
    }

    private uint PatchSeq(NetlinkWriter request)
    {
        var seq = NextSeq();
        request.At<NlMsgHdr>(0).Seq = seq;
        return seq;
    }

    private unsafe void Send(ReadOnlySpan<byte> data)
    {
        if (data.Length + 4096 > _sendBuffer)
        {
            // Like nft: raise the send buffer so one datagram (one transaction) carries the whole batch.
            var size = Math.Max(data.Length + 65536, 256 * 1024);
            if (Libc.SetSockOpt(_handle, Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, &size, sizeof(int)) != 0)
            {
                SetOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF, &size, "SO_SNDBUF");
            }

            _sendBuffer = size;
        }

        fixed (byte* p = data)
        {
            while (true)
            {
                var sent = Libc.Send(_handle, p, (nuint)data.Length, 0);
                if (sent >= 0)
                {
                    return;
                }

                var errno = (Errno)Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    throw new NetlinkException(errno, "send()");
                }
            }
        }
    }

    /// <summary>Receives one datagram into the receive buffer; -1 when non-blocking and nothing is queued.</summary>
    private unsafe int Receive(bool blocking)
    {
        fixed (byte* p = _receive)
        {
            while (true)
            {
                var n = Libc.Recv(_handle, p, (nuint)_receive.Length, Libc.MSG_TRUNC | (blocking ? 0 : Libc.MSG_DONTWAIT));
                if (n >= 0)
                {
                    return n > _receive.Length
                        ? throw new NetlinkFormatException($"A {n}-byte datagram exceeds the {_receive.Length}-byte receive buffer.")
                        : (int)n;
                }

                var errno = (Errno)Marshal.GetLastPInvokeError();
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                if (errno == Errno.EAGAIN && !blocking)
                {
                    return -1;
                }

                throw new NetlinkException(errno, "recv()");
            }
        }
    }

    private int ReceiveWithin(TimeSpan timeout)
    {
        var n = TryReceive(timeout, out _);
        return n >= 0 ? n : throw new NetlinkException(Errno.ETIMEDOUT, "batch", "no acknowledgement from the kernel");
    }

    private void Drain()
    {
        try
        {
            while (Receive(blocking: false) >= 0)
            {
            }
        }
        catch (NetlinkException)
        {
            // An overrun while draining leaves nothing worth reading.
        }
    }
}

/// <summary>Receives one reply message.</summary>
internal delegate void MessageHandler(NetlinkMessage message);
