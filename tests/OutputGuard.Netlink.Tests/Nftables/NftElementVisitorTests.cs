using System.Text;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>Elements streamed from a dump (<see cref="NftConnection.ReadElements"/>) are the elements the list returns.</summary>
public sealed class NftElementVisitorTests : IDisposable
{
    private const int Count = 10_000;
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Ten_thousand_counted_elements_stream_across_several_messages_with_their_counters()
    {
        var script = new StringBuilder("table inet t {\n  set s4 { type ipv4_addr; counter; elements = { ");
        script.AppendJoin(", ", Enumerable.Range(0, Count).Select(i => $"10.{i >> 8}.{i & 255}.1 counter packets {i} bytes {i * 100L + 7}"));
        script.Append(" } }\n}\n");
        NftOracle.Script(_ns.Name, script.ToString());
        using var nft = NftConnection.OpenIn(_ns.Name);
        var set = nft.ListSets(NftFamily.Inet, "t").Single(s => s.Name == "s4");

        var streamed = new Dictionary<string, (ulong Packets, ulong Bytes, bool Counted)>();
        var restarts = 0;
        var count = nft.ReadElements(set, e => streamed.Add(Convert.ToHexString(e.Key), (e.Packets, e.Bytes, e.HasCounter)), () =>
        {
            restarts++;
            streamed.Clear();
        });

        Assert.Equal(Count, count);
        Assert.Equal(Count, streamed.Count);
        var listed = nft.ListElements(set).ToDictionary(e => Convert.ToHexString(e.Key), e => (e.Packets!.Value, e.Bytes!.Value, true));
        Assert.Equal(listed, streamed);
        Assert.Equal((1234UL, 123_407UL, true), streamed[Convert.ToHexString(new byte[] { 10, 1234 >> 8, 1234 & 255, 1 })]);
        Assert.True(restarts <= 1, "a quiet set's dump is taken once (or again once if the kernel resized it)");
    }

    [Fact]
    public void Interval_and_concatenated_range_elements_stream_as_the_records_the_list_returns()
    {
        NftOracle.Script(_ns.Name, """
            table inet t {
              set nets { type ipv4_addr; flags interval; counter; elements = { 10.2.0.0/24, 10.3.0.0-10.3.0.9 } }
              set svc { type ipv4_addr . inet_proto . inet_service; flags interval; counter; elements = { 10.4.0.0/16 . tcp . 80-90 } }
              set t4 { type ipv4_addr; flags timeout; elements = { 10.5.0.1 timeout 1h } }
            }
            """);
        using var nft = NftConnection.OpenIn(_ns.Name);

        foreach (var set in nft.ListSets(NftFamily.Inet, "t"))
        {
            var streamed = new List<NftSetElement>();
            var count = nft.ReadElements(set, e => streamed.Add(e.ToElement()), streamed.Clear);

            var listed = nft.ListElements(set);
            Assert.Equal(listed.Count, count);
            Assert.Equal(listed.Select(Text), streamed.Select(Text));
        }
    }

    private static string Text(NftSetElement e) =>
        $"{Convert.ToHexString(e.Key)} {(e.KeyEnd is null ? "-" : Convert.ToHexString(e.KeyEnd))} {e.IsIntervalEnd} {e.Timeout} {e.Expires is not null} {e.Packets} {e.Bytes}";
}
