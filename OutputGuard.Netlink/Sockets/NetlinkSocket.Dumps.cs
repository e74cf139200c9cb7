using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Sockets;

/// <summary>Multi-part dumps and nfnetlink batches.</summary>
internal sealed partial class NetlinkSocket
{
    private static long s_interruptedDumps;

    /// <summary>How many dumps the kernel marked NLM_F_DUMP_INTR and this process took again (diagnostics).</summary>
    internal static long InterruptedDumps => Interlocked.Read(ref s_interruptedDumps);

    /// <summary>
    /// Runs a dump request and parses every part; restarts it when interrupted, calling <paramref name="restarting"/>
    /// first (a parser that keeps state of its own, as a streaming visitor does, forgets the torn attempt there).
    /// </summary>
    internal List<T> Dump<T>(NetlinkWriter request, MessageParser<T> parse, Action? restarting = null)
    {
        var requestType = Wire.Header<NlMsgHdr>(request.Written, out _).Type;
        lock (_gate)
        {
            for (var attempt = 1; ; attempt++)
            {
                if (attempt > 1)
                {
                    restarting?.Invoke();
                }

                var items = new List<T>();
                var seq = PatchSeq(request);
                Send(request.Written);
                var interrupted = false;
                try
                {
                    if (ReadDump(seq, items, parse, requestType, ref interrupted))
                    {
                        return items;
                    }
                }
                catch (NetlinkException ex) when (ex.Errno == Errno.ENOBUFS && attempt < MaxDumpAttempts)
                {
                    Drain();
                    continue;
                }

                if (interrupted)
                {
                    Interlocked.Increment(ref s_interruptedDumps);
                }

                if (!interrupted || attempt >= MaxDumpAttempts)
                {
                    throw new NetlinkException(Errno.EINTR, _typeName(requestType) + " dump", "the dump kept being interrupted");
                }
            }
        }
    }

    /// <summary>
    /// Sends an nfnetlink batch in one datagram (one transaction) and reports the first error. The kernel
    /// processes a netlink send synchronously, so every reply is queued once send() returns.
    /// </summary>
    internal void SendBatch(ReadOnlySpan<byte> batch, uint lastSeq, Func<uint, string> describe)
    {
        lock (_gate)
        {
            Send(batch);
            NetlinkException? first = null;
            var finished = false;
            while (!finished)
            {
                var n = Receive(blocking: false);
                if (n < 0)
                {
                    if (first is not null)
                    {
                        break;
                    }

                    n = ReceiveWithin(TimeSpan.FromSeconds(10));
                }

                var reader = new MessageReader(_receive.AsSpan(0, n));
                while (reader.Next(out var m))
                {
                    if (m.Type != Nlmsg.NLMSG_ERROR)
                    {
                        continue;
                    }

                    var error = ParseError(m, describe);
                    first ??= error;
                    if (error is null && m.Seq == lastSeq)
                    {
                        finished = true;
                    }
                }
            }

            Drain();
            if (first is not null)
            {
                throw first;
            }
        }
    }

    private bool ReadDump<T>(uint seq, List<T> items, MessageParser<T> parse, ushort requestType, ref bool interrupted)
    {
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

                if ((m.Flags & Nlmsg.NLM_F_DUMP_INTR) != 0)
                {
                    interrupted = true;
                }

                switch (m.Type)
                {
                    case Nlmsg.NLMSG_DONE:
                        // NLMSG_DONE carries an int: 0, or a negative errno when the dump failed part-way.
                        if (m.Payload.Length >= sizeof(int) && Wire.I32(m.Payload) is var failed and < 0)
                        {
                            throw new NetlinkException((Errno)(-failed), _typeName(requestType) + " dump");
                        }

                        return !interrupted;
                    case Nlmsg.NLMSG_ERROR:
                        if (ParseError(m) is { } error)
                        {
                            throw error;
                        }

                        return !interrupted;
                    case Nlmsg.NLMSG_NOOP or Nlmsg.NLMSG_OVERRUN:
                        continue;
                    default:
                        if (parse(m, out var item))
                        {
                            items.Add(item);
                        }

                        break;
                }
            }
        }
    }
}
