using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ARSoft.Tools.Net.Dns;
using OutputGuard.Agent.Gateway.Dns;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>A DNS client on sockets made in a namespace: one query over UDP or TCP, the answer parsed with ARSoft.</summary>
public static class DnsProbe
{
    /// <summary>Record type A.</summary>
    public const ushort A = 1;

    /// <summary>Record type AAAA.</summary>
    public const ushort Aaaa = 28;

    /// <summary>Asks <paramref name="server"/> for <paramref name="name"/>; null when nothing came back in time.</summary>
    public static async Task<DnsMessage?> QueryAsync(
        string netns, IPEndPoint server, string name, ushort type = A, bool tcp = false, bool edns = true, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        var query = Build(name, type, edns);
        var socket = NamespaceSockets.Create(netns, server.AddressFamily, tcp ? SocketType.Stream : SocketType.Dgram, tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        using (socket)
        {
            try
            {
                await socket.ConnectAsync(server, cts.Token);
                byte[]? answer;
                if (tcp)
                {
                    await TcpFraming.WriteAsync(socket, query, cts.Token);
                    answer = await TcpFraming.ReadAsync(socket, cts.Token);
                }
                else
                {
                    await socket.SendAsync(query, SocketFlags.None, cts.Token);
                    var buffer = new byte[65_535];
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
                    answer = buffer[..n];
                }

                return answer is null ? null : DnsMessage.Parse(new ArraySegment<byte>(answer));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException)
            {
                // No answer in time, or the port is closed (ICMP unreachable).
                return null;
            }
        }
    }

    /// <summary>The A and AAAA addresses of an answer.</summary>
    public static List<IPAddress> Addresses(DnsMessage? answer) =>
        answer is null ? [] : [.. answer.AnswerRecords.Select(r => r switch { ARecord a => a.Address, AaaaRecord q => q.Address, _ => null }).OfType<IPAddress>()];

    /// <summary>A query with RD set, and an EDNS0 OPT record (4096 bytes) when <paramref name="edns"/>.</summary>
    public static byte[] Build(string name, ushort type, bool edns)
    {
        var bytes = new List<byte>();
        var header = new byte[12];
        BinaryPrimitives.WriteUInt16BigEndian(header, (ushort)Random.Shared.Next(65_536));
        header[2] = 0x01;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), (ushort)(edns ? 1 : 0));
        bytes.AddRange(header);
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            bytes.Add((byte)label.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        bytes.Add(0);
        bytes.AddRange([(byte)(type >> 8), (byte)type, 0, 1]);
        if (edns)
        {
            bytes.AddRange([0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]);
        }

        return [.. bytes];
    }
}
