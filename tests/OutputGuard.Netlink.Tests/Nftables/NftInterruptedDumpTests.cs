using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Nftables.Expressions;
using OutputGuard.Netlink.Sockets;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>A dump that a concurrent commit interrupts (NLM_F_DUMP_INTR) is taken again and comes back whole.</summary>
public sealed class NftInterruptedDumpTests : IDisposable
{
    private const int RuleCount = 3000;
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task Rule_dump_interrupted_by_concurrent_commits_is_retried_and_complete()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        var chain = NftChain.Regular(NftFamily.Inet, "og", "many");
        using (var batch = nft.BeginBatch())
        {
            batch.AddTable(new NftTable(NftFamily.Inet, "og"));
            batch.AddChain(chain);
            for (var i = 0; i < RuleCount; i++)
            {
                batch.AddRule(new NftRule { Family = NftFamily.Inet, Table = "og", Chain = "many", Expressions = [new NftCounter(), NftImmediate.Return] });
            }

            batch.Commit();
        }

        var before = NetlinkSocket.InterruptedDumps;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var churn = Task.Run(() =>
        {
            using var writer = NftConnection.OpenIn(_ns.Name);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var batch = writer.BeginBatch();
                batch.AddTable(new NftTable(NftFamily.Ip, "churn" + (i % 50)));
                batch.Commit();
            }
        });

        try
        {
            while (NetlinkSocket.InterruptedDumps == before && !stop.IsCancellationRequested)
            {
                Assert.Equal(RuleCount, nft.ListRules(NftFamily.Inet, "og", "many").Count);
            }
        }
        finally
        {
            await stop.CancelAsync();
            await churn;
        }

        Assert.True(NetlinkSocket.InterruptedDumps > before, "no dump was interrupted within 20 s");
        Assert.Equal(RuleCount, nft.ListRules(NftFamily.Inet, "og", "many").Count);
    }
}
