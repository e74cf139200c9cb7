using System.Buffers.Binary;
using System.Net.Sockets;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>DNS over TCP (RFC 1035 §4.2.2, RFC 7766): each message after its 16-bit length.</summary>
public static class TcpFraming
{
    /// <summary>Reads one message; null when the peer closed the connection before a new one began.</summary>
    public static async Task<byte[]?> ReadAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var prefix = new byte[2];
        if (!await FillAsync(socket, prefix, cancellationToken))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(prefix);
        var message = new byte[length];
        return length == 0 || !await FillAsync(socket, message, cancellationToken)
            ? throw new IOException("the DNS TCP connection ended inside a message")
            : message;
    }

    /// <summary>Writes one message with its length.</summary>
    public static async Task WriteAsync(Socket socket, byte[] message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(message);
        var framed = new byte[message.Length + 2];
        BinaryPrimitives.WriteUInt16BigEndian(framed, (ushort)message.Length);
        message.CopyTo(framed, 2);
        var sent = 0;
        while (sent < framed.Length)
        {
            sent += await socket.SendAsync(framed.AsMemory(sent), SocketFlags.None, cancellationToken);
        }
    }

    private static async Task<bool> FillAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer[read..], SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                return read == 0 ? false : throw new IOException("the DNS TCP connection ended inside a message");
            }

            read += n;
        }

        return true;
    }
}
