using OutputGuard.Netlink.Messages;
using OutputGuard.Netlink.Nflog;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Netlink.Tests.Parsing;

/// <summary>
/// Every parser either returns or throws <see cref="NetlinkFormatException"/> on truncated, corrupted and random
/// input: never another exception, a crash or a hang.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class ParserFuzzTests
{
    public delegate void Parser(ReadOnlySpan<byte> payload);

    public static TheoryData<string> Parsers => new(ParsersByName.Keys);

    private static readonly Dictionary<string, (Func<byte[]> Seed, Parser Parse)> ParsersByName = new()
    {
        ["route"] = (Seeds.Route, p => RouteCodec.TryParse(p, out _)),
        ["link"] = (Seeds.Link, p => LinkCodec.ParseLink(p)),
        ["address"] = (Seeds.Address, p => LinkCodec.TryParseAddress(p, out _)),
        ["nft table"] = (Seeds.Table, p => NftCodec.ParseTable(p)),
        ["nft chain"] = (Seeds.Chain, p => NftCodec.ParseChain(p)),
        ["nft rule"] = (Seeds.Rule, p => NftCodec.ParseRule(p)),
        ["nft set"] = (Seeds.Set, p => NftCodec.ParseSet(p)),
        ["nft elements"] = (Seeds.Elements, p => NftCodec.ParseElements(p, [])),
        ["nft generation"] = (Seeds.Generation, p => NftCodec.ParseGeneration(p)),
        ["nflog packet"] = (Seeds.LoggedPacket, p => NflogCodec.ParsePacket(p)),
        ["nlmsgerr"] = (Seeds.Error, ParseError),
        ["datagram"] = (Datagram, ReadDatagram),
    };

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Seed_message_parses(string parser)
    {
        var (seed, parse) = ParsersByName[parser];
        parse(seed()); // a valid message must not throw
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Every_truncation_is_parsed_or_rejected_as_malformed(string parser)
    {
        var (seed, parse) = ParsersByName[parser];
        var full = seed();
        for (var length = 0; length < full.Length; length++)
        {
            AssertParsesOrRejects(parse, full.AsSpan(0, length).ToArray(), $"{parser} cut at {length}");
        }
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Corrupted_bytes_are_parsed_or_rejected_as_malformed(string parser)
    {
        var (seed, parse) = ParsersByName[parser];
        var full = seed();
        var random = new Random(parser.Length * 7919);
        for (var i = 0; i < 3000; i++)
        {
            var copy = (byte[])full.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
            }

            AssertParsesOrRejects(parse, copy, $"{parser} corrupted #{i}: {Convert.ToHexString(copy)}");
        }
    }

    [Theory]
    [MemberData(nameof(Parsers))]
    public void Random_buffers_are_parsed_or_rejected_as_malformed(string parser)
    {
        var (_, parse) = ParsersByName[parser];
        var random = new Random(parser.GetHashCode(StringComparison.Ordinal));
        for (var i = 0; i < 2000; i++)
        {
            var buffer = new byte[random.Next(0, 200)];
            random.NextBytes(buffer);
            if (buffer.Length >= 8 && i % 2 == 0)
            {
                buffer[4] = (byte)random.Next(0, 40); // plausible attribute lengths reach deeper code
                buffer[5] = 0;
            }

            AssertParsesOrRejects(parse, buffer, $"{parser} random #{i}: {Convert.ToHexString(buffer)}");
        }
    }

    private static void AssertParsesOrRejects(Parser parse, byte[] input, string what)
    {
        try
        {
            parse(input);
        }
        catch (NetlinkFormatException)
        {
            // Rejected as malformed: what a parser must do.
        }
        catch (Exception ex)
        {
            Assert.Fail($"{what} threw {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static void ParseError(ReadOnlySpan<byte> payload)
    {
        var m = new NetlinkMessage(Nlmsg.NLMSG_ERROR, Nlmsg.NLM_F_CAPPED | Nlmsg.NLM_F_ACK_TLVS, 1, 0, payload);
        _ = NetlinkSocket.ParseError(m, NftConnection.TypeName, null);
    }

    private static byte[] Datagram()
    {
        var w = new NetlinkWriter();
        for (var i = 0; i < 3; i++)
        {
            var m = w.BeginMessage((ushort)(0x10 + i), Nlmsg.NLM_F_MULTI, (uint)i);
            w.String(1, "x");
            w.EndMessage(m);
        }

        return w.Written.ToArray();
    }

    private static void ReadDatagram(ReadOnlySpan<byte> datagram)
    {
        var reader = new MessageReader(datagram);
        while (reader.Next(out var m))
        {
            var attrs = new AttributeReader(m.Payload);
            while (attrs.Next(out _, out _))
            {
            }
        }
    }
}
