using System.Net;
using System.Net.Sockets;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>
/// A tiny UDP name server of the test's own, in front of a real dnsmasq: it forwards queries, or answers
/// SERVFAIL itself, or stays silent (a timeout), as the test switches it — for every query or per record type. (dnsmasq cannot be made to
/// answer SERVFAIL: an upstream that does not answer gives a timeout.)
/// </summary>
public sealed class DnsRelay : IAsyncDisposable
{
    private readonly UdpClient _socket;
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public DnsRelay(IPEndPoint upstream)
    {
        _upstream = upstream;
        _socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        Endpoint = (IPEndPoint)_socket.Client.LocalEndPoint!;
        _loop = Task.Run(RunAsync);
    }

    public enum Behaviour
    {
        Forward,
        ServFail,
        Silent,
    }

    public IPEndPoint Endpoint { get; }

    public string NameServer => $"{Endpoint.Address}:{Endpoint.Port}";

    public Behaviour Mode { get; set; } = Behaviour.Forward;

    /// <summary>Overrides <see cref="Mode"/> for queries of one type (1 A, 28 AAAA).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, Behaviour> ModeByType { get; } = new();

    /// <summary>Every query received: its name (lower case, no trailing dot), QTYPE, and when (since the relay started).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Name, int Type, TimeSpan At)> Seen { get; } = new();

    /// <summary>Queries answered with SERVFAIL so far.</summary>
    public int ServFails => Volatile.Read(ref _servFails);

    private int _servFails;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _socket.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var query = await _socket.ReceiveAsync(_stop.Token);
            Seen.Enqueue((QueryName(query.Buffer), QueryType(query.Buffer), _clock.Elapsed));
            switch (ModeByType.TryGetValue(QueryType(query.Buffer), out var byType) ? byType : Mode)
            {
                case Behaviour.Forward:
                    _ = ForwardAsync(query.Buffer, query.RemoteEndPoint);
                    break;
                case Behaviour.ServFail:
                    Interlocked.Increment(ref _servFails);
                    await _socket.SendAsync(ServFail(query.Buffer), query.RemoteEndPoint, _stop.Token);
                    break;
                default:
                    break;
            }
        }
    }

    private async Task ForwardAsync(byte[] query, IPEndPoint client)
    {
        try
        {
            using var upstream = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            await upstream.SendAsync(query, _upstream, _stop.Token);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            var answer = await upstream.ReceiveAsync(timeout.Token);
            await _socket.SendAsync(answer.Buffer, client, _stop.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    /// <summary>The name the query asks for, lower case, without the trailing dot.</summary>
    private static string QueryName(byte[] query)
    {
        var labels = new List<string>();
        var at = 12;
        while (at < query.Length && query[at] != 0 && at + 1 + query[at] <= query.Length)
        {
            labels.Add(System.Text.Encoding.ASCII.GetString(query, at + 1, query[at]).ToLowerInvariant());
            at += query[at] + 1;
        }

        return string.Join('.', labels);
    }

    /// <summary>The QTYPE of the query's question (after its name), or -1.</summary>
    private static int QueryType(byte[] query)
    {
        var end = 12;
        while (end < query.Length && query[end] != 0)
        {
            end += query[end] + 1;
        }

        return end + 2 < query.Length ? (query[end + 1] << 8) | query[end + 2] : -1;
    }

    /// <summary>The query turned into a SERVFAIL response: header flags QR and RA, RCODE 2, the question only.</summary>
    private static byte[] ServFail(byte[] query)
    {
        var end = 12;
        while (end < query.Length && query[end] != 0)
        {
            end += query[end] + 1;
        }

        end = Math.Min(query.Length, end + 1 + 4);
        var response = query[..end];
        response[2] = (byte)(0x80 | (query[2] & 0x79));
        response[3] = 0x80 | 0x02;
        response[6] = response[7] = response[8] = response[9] = response[10] = response[11] = 0;
        return response;
    }
}
