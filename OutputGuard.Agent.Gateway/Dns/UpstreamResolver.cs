using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// Forwards a query to the upstream resolvers, in order, each for at most the upstream timeout: over UDP from a fresh
/// socket (a new random port) with a fresh random id, accepting only an answer from that upstream with that id; or over
/// TCP (length-prefixed). The answer comes back with the client's id. Null when no upstream answered.
/// </summary>
public sealed class UpstreamResolver
{
    /// <summary>The largest message (TCP's 16-bit length).</summary>
    public const int MaxMessage = 65_535;

    private readonly IReadOnlyList<IPEndPoint> _upstreams;
    private readonly TimeSpan _timeout;
    private readonly Action<string> _failed;

    /// <summary>Creates a forwarder; <paramref name="failed"/> is told each upstream that did not answer.</summary>
    public UpstreamResolver(IReadOnlyList<IPEndPoint> upstreams, TimeSpan timeout, Action<string> failed)
    {
        _upstreams = upstreams ?? throw new ArgumentNullException(nameof(upstreams));
        _timeout = timeout;
        _failed = failed ?? throw new ArgumentNullException(nameof(failed));
    }

    /// <summary>Asks the upstreams over UDP (<paramref name="tcp"/> false) or TCP.</summary>
    public async Task<byte[]?> QueryAsync(byte[] query, bool tcp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var clientId = DnsWire.Id(query);
        foreach (var upstream in _upstreams)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_timeout);
            var id = (ushort)RandomNumberGenerator.GetInt32(65_536);
            var outgoing = (byte[])query.Clone();
            DnsWire.SetId(outgoing, id);
            try
            {
                var answer = tcp ? await TcpAsync(upstream, outgoing, id, timeout.Token) : await UdpAsync(upstream, outgoing, id, timeout.Token);
                if (answer is not null)
                {
                    DnsWire.SetId(answer, clientId);
                    return answer;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // This upstream took too long: the next one.
            }
            catch (SocketException)
            {
                // Refused or unreachable: the next one.
            }
            catch (IOException)
            {
                // The TCP connection broke: the next one.
            }

            _failed(upstream.ToString());
        }

        return null;
    }

    private static async Task<byte[]?> UdpAsync(IPEndPoint upstream, byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        await socket.ConnectAsync(upstream, cancellationToken);
        await socket.SendAsync(query, SocketFlags.None, cancellationToken);
        // A pooled receive buffer: a fresh 64 KiB one per query was most of the proxy's allocation, and so its gen0 GCs.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxMessage);
        try
        {
            while (true)
            {
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (n >= DnsWire.HeaderLength && DnsWire.Id(buffer) == id && DnsWire.IsResponse(buffer.AsSpan(0, n)))
                {
                    return buffer[..n];
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<byte[]?> TcpAsync(IPEndPoint upstream, byte[] query, ushort id, CancellationToken cancellationToken)
    {
        using var socket = new Socket(upstream.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(upstream, cancellationToken);
        var framed = new byte[query.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)query.Length);
        query.CopyTo(framed, 2);
        await socket.SendAsync(framed, SocketFlags.None, cancellationToken);
        var answer = await TcpFraming.ReadAsync(socket, cancellationToken);
        return answer is not null && answer.Length >= DnsWire.HeaderLength && DnsWire.Id(answer) == id && DnsWire.IsResponse(answer) ? answer : null;
    }
}
