using System.Net;
using OutputGuard.Agent.Gateway.Dns;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>Reading what an answer teaches (parsed with ARSoft.Tools.Net), and the proxy's own error answers.</summary>
public sealed class DnsAnswerTests
{
    [Fact]
    public void Cname_chains_are_followed_and_other_owners_ignored()
    {
        // www.example.com CNAME edge.cdn.test; edge.cdn.test A 203.0.113.7; other.test A 203.0.113.8 (not on the chain).
        var answer = Answer(
            "www.example.com",
            Cname("www.example.com", "edge.cdn.test"),
            A("edge.cdn.test", [203, 0, 113, 7], 60),
            A("other.test", [203, 0, 113, 8], 60));
        var addresses = DnsQueryHandler.Addresses("www.example.com", answer);
        Assert.NotNull(addresses);
        Assert.Equal([(IPAddress.Parse("203.0.113.7"), 60)], addresses);
    }

    [Fact]
    public void Garbage_is_not_an_answer() =>
        Assert.Null(DnsQueryHandler.Addresses("www.example.com", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]));

    [Fact]
    public void Error_answer_echoes_id_and_question_with_the_rcode()
    {
        var query = Tests.Dns.DnsProbe.Build("a.example.com", 1, edns: true);
        var refused = DnsWire.ErrorAnswer(query, DnsWire.Refused);
        Assert.Equal(DnsWire.Id(query), DnsWire.Id(refused));
        Assert.True(DnsWire.IsResponse(refused));
        Assert.Equal(DnsWire.Refused, refused[3] & 0x0f);
        Assert.Equal(DnsWire.QuestionEnd(query), refused.Length);
        Assert.Equal("a.example.com", DnsQueryHandler.QuestionName(query));
    }

    private static byte[] Answer(string question, params byte[][] records)
    {
        var bytes = new List<byte> { 0x12, 0x34, 0x81, 0x80, 0, 1, 0, (byte)records.Length, 0, 0, 0, 0 };
        bytes.AddRange(Name(question));
        bytes.AddRange([0, 1, 0, 1]);
        foreach (var r in records)
        {
            bytes.AddRange(r);
        }

        return [.. bytes];
    }

    private static byte[] A(string owner, byte[] address, int ttl) =>
        [.. Name(owner), 0, 1, 0, 1, (byte)(ttl >> 24), (byte)(ttl >> 16), (byte)(ttl >> 8), (byte)ttl, 0, 4, .. address];

    private static byte[] Cname(string owner, string target)
    {
        var t = Name(target);
        return [.. Name(owner), 0, 5, 0, 1, 0, 0, 0, 60, (byte)(t.Length >> 8), (byte)t.Length, .. t];
    }

    private static byte[] Name(string name) =>
        [.. name.Split('.').SelectMany(l => new[] { (byte)l.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(l))), 0];
}
