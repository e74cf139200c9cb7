using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Netlink.Nftables;
using Xunit.Abstractions;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

/// <summary>Whatever someone else does to the table is undone within a second, logged and counted.</summary>
public sealed class DriftEndToEndTests(ITestOutputHelper output) : GatewayLab
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    public static TheoryData<string> Drifts => new()
    {
        "table deleted",
        "ruleset flushed by a configuration file",
        "accept rule inserted",
        "foreign element added",
        "set flushed",
        "chain policy set to accept",
        "table switched off",
    };

    [Theory]
    [MemberData(nameof(Drifts))]
    public async Task Drift_is_repaired_within_a_second_counted_and_unlisted_traffic_is_blocked_again(string drift)
    {
        var allowed = Lab.Serve(Lab.Allowed, 80);
        var unlisted = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        Assert.True(TableOracle.IsAsApplied(Lab.Gateway, Lab.Allowed.ToString()));

        Drift(drift);

        await Eventually.True(() => TableOracle.IsAsApplied(Lab.Gateway, Lab.Allowed.ToString()), Second, $"the table repaired after: {drift}");
        await Eventually.True(async () => await Agent.MetricAsync("outputguard_drift_repairs_total") >= 1, TimeSpan.FromSeconds(5), "the repair counted");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, unlisted.Endpoint));
        Assert.Equal(10, await HttpProbe.GetAsync(Lab.Client, allowed.Endpoint, 10));
        Assert.Contains("changed by someone else; repaired in one batch", Agent.Output, StringComparison.Ordinal);
        output.WriteLine(string.Join('\n', Agent.Output.Split('\n').Where(l => l.Contains("repaired in one batch", StringComparison.Ordinal))));
        Assert.Equal(1, await Agent.MetricAsync("outputguard_table_healthy"));
    }

    [Fact]
    public async Task Table_taken_over_by_another_owner_makes_healthz_unhealthy_until_it_is_repaired()
    {
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        using var health = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var healthz = new Uri($"http://{Lab.GatewayControlAddress}:9900/healthz");
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync(healthz)).StatusCode);

        var squatter = TakeOver();
        try
        {
            await Eventually.True(async () => (await health.GetAsync(healthz)).StatusCode == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(5), "healthz unhealthy while the table cannot be repaired");
            using var answer = await health.GetAsync(healthz);
            Assert.Contains("table unhealthy", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            // The kernel removes an owned table with its owner's socket.
            squatter.Dispose();
        }

        await Eventually.True(() => TableOracle.IsAsApplied(Lab.Gateway, Lab.Allowed.ToString()), Second, "the table repaired once the owner left");
        await Eventually.True(async () => (await health.GetAsync(healthz)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "healthz healthy again");
    }

    [Fact]
    public async Task Stream_that_fails_at_once_does_not_reset_the_reconnect_backoff()
    {
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        var squatter = TakeOver();
        try
        {
            // Every delta now fails to apply, so every stream breaks right after its first message.
            await ControlPlane.AllowAsync(Lab.NetHost.ToString());
            await Eventually.True(async () => await Agent.MetricAsync("outputguard_sync_failures_total") >= 1, TimeSpan.FromSeconds(10), "the first failed stream");
            var first = await Agent.MetricAsync("outputguard_sync_failures_total");

            // Backing off from 250 ms and doubling, four seconds hold about four attempts; a reset backoff would make ~20.
            await Task.Delay(TimeSpan.FromSeconds(4));
            var failures = await Agent.MetricAsync("outputguard_sync_failures_total") - first;

            Assert.InRange(failures ?? -1, 1, 6);
        }
        finally
        {
            squatter.Dispose();
        }

        await SyncedAsync();
    }

    /// <summary>Replaces the table, in one transaction, with an empty one owned by a socket of this test (NFT_TABLE_F_OWNER).</summary>
    private NftConnection TakeOver()
    {
        var nft = NftConnection.OpenIn(Lab.Gateway);
        using var batch = nft.BeginBatch();
        batch.DeleteTable(new NftTable(NftFamily.Inet, "outputguard"));
        batch.AddTable(new NftTable(NftFamily.Inet, "outputguard") { Flags = 0x2 });
        batch.Commit();
        return nft;
    }

    private void Drift(string drift)
    {
        switch (drift)
        {
            case "table deleted":
                Nft("delete", "table", "inet", "outputguard");
                break;
            case "ruleset flushed by a configuration file":
                // What Debian's /etc/nftables.conf does when the nftables service starts.
                var file = Path.Combine(Path.GetTempPath(), $"og-drift-{Guid.NewGuid():N}.nft");
                File.WriteAllText(file, "flush ruleset\ntable inet filter {\n  chain forward { type filter hook forward priority 0; policy accept; }\n}\n");
                try
                {
                    Nft("-f", file);
                }
                finally
                {
                    File.Delete(file);
                }

                break;
            case "accept rule inserted":
                Nft("insert", "rule", "inet", "outputguard", "forward", "accept");
                break;
            case "foreign element added":
                Nft("add", "element", "inet", "outputguard", "hosts4", $"{{ {Lab.Unlisted} }}");
                break;
            case "set flushed":
                Nft("flush", "set", "inet", "outputguard", "hosts4");
                break;
            case "chain policy set to accept":
                Nft("add", "chain", "inet", "outputguard", "forward", "{ type filter hook forward priority 0; policy accept; }");
                break;
            case "table switched off":
                Nft("add", "table", "inet", "outputguard", "{ flags dormant; }");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(drift), drift, null);
        }
    }

    private void Nft(params string[] args) => Tool.In(Lab.Gateway, "nft", args);
}
