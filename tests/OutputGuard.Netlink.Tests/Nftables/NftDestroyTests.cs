using System.Net;
using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Sockets;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Nftables;

/// <summary>
/// The destroy commands (Linux 6.3 and later): a delete that is no error when there is nothing to delete, asked of the
/// kernel once without changing anything.
/// </summary>
public sealed class NftDestroyTests : IDisposable
{
    private readonly NetnsFixture _ns = new();

    public void Dispose() => _ns.Dispose();

    /// <summary>Whether the running kernel is 6.3 or later (what the destroy commands need).</summary>
    private static bool KernelHasDestroy()
    {
        var release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim().Split('.', '-');
        var version = new Version(int.Parse(release[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(release[1], System.Globalization.CultureInfo.InvariantCulture));
        return version >= new Version(6, 3);
    }

    [Fact]
    public void Probe_answers_as_the_kernel_version_says_and_changes_nothing()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        var generation = nft.GetGenerationId();

        Assert.Equal(KernelHasDestroy(), nft.CanDestroy);
        Assert.Equal(KernelHasDestroy(), nft.CanDestroy);

        Assert.Equal(generation, nft.GetGenerationId());
        Assert.DoesNotContain(nft.ListTables(), t => t.Name == "outputguard-destroy-probe");
    }

    [Fact]
    public void Destroyed_keys_go_where_they_are_and_absent_ones_fail_nothing_where_a_delete_fails_the_batch()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        GatewayRuleset.Apply(nft);
        var present = IPAddress.Parse("198.51.100.7").GetAddressBytes();
        var kept = IPAddress.Parse("198.51.100.8").GetAddressBytes();
        var absent = IPAddress.Parse("198.51.100.9").GetAddressBytes();
        using (var batch = nft.BeginBatch())
        {
            batch.AddKeys(GatewayRuleset.Allow4, [.. present, .. kept]);
            batch.Commit();
        }

        var delete = Assert.Throws<NetlinkException>(() =>
        {
            using var batch = nft.BeginBatch();
            batch.DeleteKeys(GatewayRuleset.Allow4, [.. present, .. absent]);
            batch.Commit();
        });
        Assert.Equal(Errno.ENOENT, delete.Errno);
        Assert.Equal(2, nft.ListElements(GatewayRuleset.Allow4).Count);

        if (!KernelHasDestroy())
        {
            // An older kernel refuses the command it does not know, and the batch with it.
            Assert.Throws<NetlinkException>(() =>
            {
                using var batch = nft.BeginBatch();
                batch.DestroyKeys(GatewayRuleset.Allow4, [.. present, .. absent]);
                batch.Commit();
            });
            Assert.Equal(2, nft.ListElements(GatewayRuleset.Allow4).Count);
            return;
        }

        using (var batch = nft.BeginBatch())
        {
            batch.DestroyKeys(GatewayRuleset.Allow4, [.. present, .. absent]);
            batch.Commit();
        }

        Assert.Equal(["198.51.100.8"], nft.ListElements(GatewayRuleset.Allow4).Select(e => e.KeyAddress.ToString()));
    }
}
