using System.Diagnostics;
using System.Net;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Tests.Support;
using Xunit.Abstractions;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>100,000 elements go in one transaction and come back, all of them.</summary>
public sealed class NftScaleTests(ITestOutputHelper output) : IDisposable
{
    private const int Count = 100_000;
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Hundred_thousand_addresses_go_into_a_hash_set_in_one_transaction_and_are_all_dumped_back()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        var addresses = Enumerable.Range(0, Count).Select(i => new IPAddress(BitConverter.GetBytes(0x0A000000 + i).Reverse().ToArray())).ToList();
        var generation = nft.GetGenerationId();

        var apply = Stopwatch.StartNew();
        using (var batch = nft.BeginBatch())
        {
            batch.AddElements(GatewayRuleset.Allow4, addresses.Select(a => NftSetElement.Address(a)));
            output.WriteLine($"batch: {batch.MessageCount} messages, {batch.ByteCount} bytes");
            batch.Commit();
        }

        apply.Stop();
        var dump = Stopwatch.StartNew();
        var elements = nft.ListElements(GatewayRuleset.Allow4);
        dump.Stop();
        var again = Stopwatch.StartNew();
        Assert.Equal(Count, nft.ListElements(GatewayRuleset.Allow4).Count);
        output.WriteLine($"MEASURE hash 100k: apply {apply.ElapsedMilliseconds} ms, dump with counters {dump.ElapsedMilliseconds} ms, again {again.ElapsedMilliseconds} ms");

        Assert.Equal(generation + 1, nft.GetGenerationId()); // one transaction
        Assert.Equal(Count, elements.Count);
        Assert.Equal(addresses.Select(a => a.ToString()).ToHashSet(), elements.Select(e => e.KeyAddress.ToString()).ToHashSet());
        Assert.All(elements, e => Assert.Equal(0UL, e.Packets));
        var listed = NftOracle.Objects(_ns.Name, "set", "list", "set", "inet", "og", "allow4").Single().GetProperty("elem").GetArrayLength();
        Assert.Equal(Count, listed);
    }

    [Fact]
    public void Hundred_thousand_prefixes_go_into_an_interval_set_in_one_transaction_and_are_all_dumped_back()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        var prefixes = Enumerable.Range(0, Count)
            .Select(i => IpPrefix.FromNumber(System.Net.Sockets.AddressFamily.InterNetwork, 0x0A000000u + ((uint)i * 4), 31))
            .ToList();
        var generation = nft.GetGenerationId();

        var apply = Stopwatch.StartNew();
        using (var batch = nft.BeginBatch())
        {
            batch.AddElements(GatewayRuleset.AllowNets, prefixes.SelectMany(NftSetElement.Interval));
            output.WriteLine($"batch: {batch.MessageCount} messages, {batch.ByteCount} bytes");
            batch.Commit();
        }

        apply.Stop();
        var dump = Stopwatch.StartNew();
        var elements = nft.ListElements(GatewayRuleset.AllowNets);
        dump.Stop();
        var again = Stopwatch.StartNew();
        Assert.Equal(2 * Count, nft.ListElements(GatewayRuleset.AllowNets).Count);
        output.WriteLine($"MEASURE interval 100k: apply {apply.ElapsedMilliseconds} ms, dump with counters {dump.ElapsedMilliseconds} ms, again {again.ElapsedMilliseconds} ms");

        Assert.Equal(generation + 1, nft.GetGenerationId());
        var starts = elements.Where(e => !e.IsIntervalEnd).Select(e => e.KeyAddress.ToString()).ToHashSet();
        var ends = elements.Where(e => e.IsIntervalEnd).Select(e => e.KeyAddress.ToString()).ToHashSet();
        Assert.Equal(prefixes.Select(p => p.Address.ToString()).ToHashSet(), starts);
        Assert.Equal(prefixes.Select(p => IpPrefix.ToAddress(p.Family, p.Last + 1).ToString()).ToHashSet(), ends);
        var listed = NftOracle.Objects(_ns.Name, "set", "list", "set", "inet", "og", "allownets").Single().GetProperty("elem");
        Assert.Equal(Count, listed.GetArrayLength());
        Assert.Equal("10.0.0.0/31", listed[0].GetProperty("elem").GetProperty("val").GetProperty("prefix") is var p
            ? $"{p.GetProperty("addr").GetString()}/{p.GetProperty("len").GetInt32()}" : null);
    }
}
