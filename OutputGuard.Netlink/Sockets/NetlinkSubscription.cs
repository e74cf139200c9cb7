using System.Threading.Channels;
using OutputGuard.Netlink.Messages;

namespace OutputGuard.Netlink.Sockets;

/// <summary>Turns one received multicast message into zero or more events.</summary>
internal delegate void EventParser<T>(NetlinkMessage message, List<T> events);

/// <summary>
/// A multicast subscription (route, link or log events). The socket joins its groups before the
/// constructor returns, so nothing that happens afterwards is missed. A dedicated thread reads the socket
/// into a bounded channel; when the reader falls behind the kernel drops messages (ENOBUFS) and the
/// subscription yields the "lost" event so the caller can list the state again.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed class NetlinkSubscription<T> : IDisposable
{
    private readonly NetlinkSocket _socket;
    private readonly Channel<T> _channel;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _pump;

    internal NetlinkSubscription(NetlinkSocket socket, EventParser<T> parse, Func<T>? lost, int capacity = 4096)
    {
        _socket = socket;
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            SingleReader = false,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _pump = new Thread(() => Pump(parse, lost)) { IsBackground = true, Name = "netlink subscription" };
        _pump.Start();
    }

    /// <summary>Events in arrival order until the subscription is disposed or <paramref name="cancellationToken"/> fires.</summary>
    public IAsyncEnumerable<T> ReadAllAsync(CancellationToken cancellationToken = default) =>
        _channel.Reader.ReadAllAsync(cancellationToken);

    /// <summary>The next event.</summary>
    public ValueTask<T> ReadAsync(CancellationToken cancellationToken = default) =>
        _channel.Reader.ReadAsync(cancellationToken);

    /// <summary>Stops the reader thread and closes the socket.</summary>
    public void Dispose()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        _stop.Cancel();
        _pump.Join();
        _socket.Dispose();
        _stop.Dispose();
    }

    private void Pump(EventParser<T> parse, Func<T>? lost)
    {
        var events = new List<T>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                events.Clear();
                try
                {
                    if (_socket.TryReceive(TimeSpan.FromMilliseconds(100), out var datagram) < 0)
                    {
                        continue;
                    }

                    var reader = new MessageReader(datagram);
                    while (reader.Next(out var m))
                    {
                        if (m.Type >= Nlmsg.NLMSG_MIN_TYPE)
                        {
                            parse(m, events);
                        }
                    }
                }
                catch (NetlinkException ex) when (ex.Errno == Errno.ENOBUFS)
                {
                    if (lost is not null)
                    {
                        events.Add(lost());
                    }
                }

                foreach (var e in events)
                {
                    while (!_channel.Writer.TryWrite(e))
                    {
                        if (!_channel.Writer.WaitToWriteAsync(_stop.Token).AsTask().GetAwaiter().GetResult())
                        {
                            return;
                        }
                    }
                }
            }

            _channel.Writer.TryComplete();
        }
        catch (OperationCanceledException)
        {
            _channel.Writer.TryComplete();
        }
#pragma warning disable CA1031 // Any failure ends the stream and is rethrown to the reader.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _channel.Writer.TryComplete(ex);
        }
    }
}
