using System.Buffers.Binary;

namespace OutputGuard.Agent.Gateway.Dns;

/// <summary>
/// The few header operations the proxy does on raw messages (RFC 1035 §4.1.1): read and set the id, and build a
/// bodiless error answer (REFUSED, SERVFAIL, FORMERR) that echoes the question. Answers from upstream are passed to
/// the client byte for byte (EDNS0 options and the TC bit included), only the id is put back.
/// </summary>
public static class DnsWire
{
    /// <summary>The header's length.</summary>
    public const int HeaderLength = 12;

    /// <summary>RCODE FORMERR.</summary>
    public const int FormErr = 1;

    /// <summary>RCODE SERVFAIL.</summary>
    public const int ServFail = 2;

    /// <summary>RCODE REFUSED.</summary>
    public const int Refused = 5;

    /// <summary>The message id.</summary>
    public static ushort Id(ReadOnlySpan<byte> message) => BinaryPrimitives.ReadUInt16BigEndian(message);

    /// <summary>Sets the message id.</summary>
    public static void SetId(Span<byte> message, ushort id) => BinaryPrimitives.WriteUInt16BigEndian(message, id);

    /// <summary>Whether the QR bit says "response".</summary>
    public static bool IsResponse(ReadOnlySpan<byte> message) => message.Length >= HeaderLength && (message[2] & 0x80) != 0;

    /// <summary>
    /// An answer to <paramref name="query"/> with <paramref name="rcode"/> and no records: the header (QR, RA, the
    /// query's RD and opcode) and the first question when it can be read, else the header alone.
    /// </summary>
    public static byte[] ErrorAnswer(ReadOnlySpan<byte> query, int rcode)
    {
        if (query.Length < HeaderLength)
        {
            return [];
        }

        var questionEnd = QuestionEnd(query);
        var qdcount = questionEnd > HeaderLength ? 1 : 0;
        var answer = query[..(questionEnd > HeaderLength ? questionEnd : HeaderLength)].ToArray();
        answer[2] = (byte)(0x80 | (query[2] & 0x79)); // QR, opcode, RD; AA and TC cleared
        answer[3] = (byte)(0x80 | (rcode & 0x0f)); // RA, rcode
        BinaryPrimitives.WriteUInt16BigEndian(answer.AsSpan(4), (ushort)qdcount);
        answer.AsSpan(6, 6).Clear();
        return answer;
    }

    /// <summary>Where the first question ends (name, type, class), or 0 when the message has none that can be read.</summary>
    public static int QuestionEnd(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderLength || BinaryPrimitives.ReadUInt16BigEndian(message[4..]) == 0)
        {
            return 0;
        }

        var i = HeaderLength;
        while (i < message.Length)
        {
            var length = message[i];
            if (length == 0)
            {
                i++;
                return i + 4 <= message.Length ? i + 4 : 0;
            }

            if ((length & 0xc0) != 0)
            {
                // A compression pointer in a question: legal, rare; it ends the name.
                i += 2;
                return i + 4 <= message.Length ? i + 4 : 0;
            }

            i += 1 + length;
        }

        return 0;
    }
}
