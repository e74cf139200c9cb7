using System.Net;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>nf_tables change notifications (NFNLGRP_NFTABLES) and rule comments.</summary>
public sealed class NftEventTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task Changes_made_by_nft_arrive_as_events_naming_table_set_and_author()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        using var events = nft.Subscribe();

        Tool.In(_ns.Name, "nft", "add", "element", "inet", "og", "allow4", "{ 192.0.2.77 }");

        var seen = await ReadUntilAsync(events, e => e.Kind == NftEventKind.Generation);
        var element = Assert.Single(seen, e => e.Kind == NftEventKind.Elements);
        Assert.Equal(("og", "allow4", NftFamily.Inet, false), (element.Table, element.Name, element.Family, element.Deleted));
        Assert.NotEqual(nft.PortId, element.PortId);
        var generation = seen[^1];
        Assert.Equal("nft", generation.ProcessName);
        Assert.Equal(nft.GetGenerationId(), generation.Generation);
    }

    [Fact]
    public async Task Own_commits_carry_the_connection_port_id()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft, IPAddress.Parse("192.0.2.1"));
        using var events = nft.Subscribe();

        using (var batch = nft.BeginBatch())
        {
            batch.DeleteElements(GatewayRuleset.Allow4, [NftSetElement.Address(IPAddress.Parse("192.0.2.1"))]);
            batch.Commit();
        }

        var seen = await ReadUntilAsync(events, e => e.Kind == NftEventKind.Generation);
        var element = Assert.Single(seen, e => e.Kind == NftEventKind.Elements);
        Assert.True(element.Deleted);
        Assert.Equal(nft.PortId, element.PortId);
    }

    [Fact]
    public async Task Deleted_table_arrives_as_a_table_event()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        using var events = nft.Subscribe();

        Tool.In(_ns.Name, "nft", "flush", "ruleset");

        var seen = await ReadUntilAsync(events, e => e.Kind == NftEventKind.Generation);
        Assert.Contains(seen, e => e is { Kind: NftEventKind.Table, Deleted: true, Table: "og" });
    }

    [Fact]
    public void Rule_comment_is_written_as_nft_writes_it_and_read_back()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        var chain = NftChain.Regular(NftFamily.Inet, "og", "marks");
        using (var batch = nft.BeginBatch())
        {
            batch.AddTable(new NftTable(NftFamily.Inet, "og"));
            batch.AddChain(chain);
            batch.AddRule(new NftRule { Family = NftFamily.Inet, Table = "og", Chain = "marks", Expressions = [NftImmediate.Return], Comment = "store abc revision 7" });
            batch.Commit();
        }

        Assert.Equal("store abc revision 7", nft.ListRules(NftFamily.Inet, "og", "marks").Single().Comment);
        Assert.Equal("store abc revision 7", NftOracle.Objects(_ns.Name, "rule", "list", "chain", "inet", "og", "marks").Single().GetProperty("comment").GetString());

        using (var batch = nft.BeginBatch())
        {
            batch.FlushChain(chain);
            batch.AddRule(new NftRule { Family = NftFamily.Inet, Table = "og", Chain = "marks", Expressions = [NftImmediate.Return], Comment = "store abc revision 8" });
            batch.Commit();
        }

        Assert.Equal("store abc revision 8", nft.ListRules(NftFamily.Inet, "og", "marks").Single().Comment);
    }

    private static async Task<List<NftEvent>> ReadUntilAsync(OutputGuard.Netlink.Sockets.NetlinkSubscription<NftEvent> events, Func<NftEvent, bool> last)
    {
        using var cts = new CancellationTokenSource(Deadline);
        var seen = new List<NftEvent>();
        await foreach (var e in events.ReadAllAsync(cts.Token))
        {
            seen.Add(e);
            if (last(e))
            {
                break;
            }
        }

        return seen;
    }
}
