using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Agent.Gateway.Tests.Metrics;
using OutputGuard.Netlink.Nftables;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

/// <summary>
/// The hosts set carries no counters: the packet path adds a host to its seen sets (one per direction) on its first
/// packet and counts it there, and the enforcer takes a host out of them when it leaves the allow-list. Real traffic
/// through the lab's gateway, with the enforcer in process.
/// </summary>
public sealed class SeenSetTests : IDisposable
{
    private static readonly IPAddress Quiet = IPAddress.Parse("203.0.113.41");

    private readonly Lab _lab = new();

    public void Dispose() => _lab.Dispose();

    private AllowListEnforcer Enforcer()
    {
        var e = new AllowListEnforcer(NftConnection.OpenIn(_lab.Gateway), LabSettings, NullLogger.Instance);
        e.Start();
        return e;
    }

    private string Set(string name) => Tool.In(_lab.Gateway, "nft", "list", "set", "inet", "outputguard", name);

    private uint Generation()
    {
        using var nft = NftConnection.OpenIn(_lab.Gateway);
        return nft.GetGenerationId();
    }

    [Fact]
    public async Task Only_a_host_that_carries_traffic_is_counted_and_each_direction_on_its_own()
    {
        using var enforcer = Enforcer();
        var list = AllowList.Of(1, [D($"{Lab.Allowed}/32"), D($"{Quiet}/32")]);
        enforcer.Apply(list);
        var server = _lab.Serve(Lab.Allowed, 80);

        Assert.DoesNotContain("counter", Set("hosts4"), StringComparison.Ordinal);
        Assert.Equal(0UL, MetricsPage.KernelSum(_lab.Gateway, "seen4"));
        Assert.Equal(40_000, await HttpProbe.GetAsync(_lab.Client, server.Endpoint, 40_000));

        var seen = Set("seen4");
        Assert.Contains(Lab.Allowed.ToString(), seen, StringComparison.Ordinal);
        Assert.DoesNotContain(Quiet.ToString(), seen, StringComparison.Ordinal);
        Assert.InRange(MetricsPage.KernelSum(_lab.Gateway, "seen4_in"), 40_000UL, 60_000UL);
        Assert.InRange(MetricsPage.KernelSum(_lab.Gateway, "seen4"), 1UL, 10_000UL);
    }

    [Fact]
    public async Task Host_leaving_the_allow_list_leaves_the_seen_sets_in_the_same_batch_and_comes_back_from_zero()
    {
        using var enforcer = Enforcer();
        var allowed = D($"{Lab.Allowed}/32");
        var list = AllowList.Of(1, [allowed, D($"{Quiet}/32")]);
        enforcer.Apply(list);
        var server = _lab.Serve(Lab.Allowed, 80);
        Assert.Equal(100_000, await HttpProbe.GetAsync(_lab.Client, server.Endpoint, 100_000));
        Assert.Contains(Lab.Allowed.ToString(), Set("seen4_in"), StringComparison.Ordinal);

        // One host the packet path added, one it never saw: one batch takes both out, and the absent one fails nothing.
        var before = Generation();
        enforcer.Apply(list, list.Apply(2, [], [allowed, D($"{Quiet}/32")]));

        Assert.Equal(before + 1, Generation());
        Assert.DoesNotContain(Lab.Allowed.ToString(), Set("hosts4"), StringComparison.Ordinal);
        Assert.DoesNotContain(Lab.Allowed.ToString(), Set("seen4"), StringComparison.Ordinal);
        Assert.DoesNotContain(Lab.Allowed.ToString(), Set("seen4_in"), StringComparison.Ordinal);
        Assert.Null(await HttpProbe.GetAsync(_lab.Client, server.Endpoint, 1_000));

        enforcer.Apply(list, list.Apply(3, [allowed], []));
        Assert.Equal(10_000, await HttpProbe.GetAsync(_lab.Client, server.Endpoint, 10_000));
        Assert.InRange(MetricsPage.KernelSum(_lab.Gateway, "seen4_in"), 10_000UL, 20_000UL);
    }

    [Fact]
    public async Task Snapshot_without_a_host_forgets_its_counters()
    {
        using var enforcer = Enforcer();
        enforcer.Apply(AllowList.Of(1, [D($"{Lab.Allowed}/32")]));
        var server = _lab.Serve(Lab.Allowed, 80);
        Assert.Equal(10_000, await HttpProbe.GetAsync(_lab.Client, server.Endpoint, 10_000));

        enforcer.Apply(AllowList.Of(2, [D($"{Quiet}/32")]));

        Assert.DoesNotContain(Lab.Allowed.ToString(), Set("seen4"), StringComparison.Ordinal);
        Assert.DoesNotContain(Lab.Allowed.ToString(), Set("seen4_in"), StringComparison.Ordinal);
    }

    [Fact]
    public void Foreign_host_removed_by_a_repair_leaves_the_seen_sets()
    {
        using var enforcer = Enforcer();
        enforcer.Apply(AllowList.Of(1, [D($"{Lab.Allowed}/32")]));
        Tool.In(_lab.Gateway, "nft", "add", "element", "inet", "outputguard", "hosts4", $"{{ {Quiet} }}");
        Tool.In(_lab.Gateway, "nft", "add", "element", "inet", "outputguard", "seen4", $"{{ {Quiet} }}");

        var report = enforcer.Repair(DriftScope.Everything);

        Assert.Equal(["set hosts4 held 1 element(s) not applied"], report.Findings);
        Assert.DoesNotContain(Quiet.ToString(), Set("hosts4"), StringComparison.Ordinal);
        Assert.DoesNotContain(Quiet.ToString(), Set("seen4"), StringComparison.Ordinal);
    }

    [Fact]
    public void Table_of_the_old_layout_is_upgraded_in_one_batch_that_keeps_its_hosts()
    {
        // The layout before the seen sets: a counter per hosts element and a reply twin hosts4_in.
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, $$"""
                table inet outputguard {
                  set hosts4 { type ipv4_addr; counter; elements = { {{Lab.Allowed}}, {{Quiet}} } }
                  set hosts4_in { type ipv4_addr; counter; elements = { {{Lab.Allowed}}, {{Quiet}} } }
                  chain forward { type filter hook forward priority 0; policy drop;
                    ip daddr @hosts4 accept
                    ip saddr @hosts4_in accept
                  }
                }
                """);
            Tool.In(_lab.Gateway, "nft", "-f", script);
        }
        finally
        {
            File.Delete(script);
        }

        var before = Generation();
        using var enforcer = Enforcer();

        Assert.Equal(before + 1, Generation());
        var hosts = Set("hosts4");
        Assert.Contains(Lab.Allowed.ToString(), hosts, StringComparison.Ordinal);
        Assert.Contains(Quiet.ToString(), hosts, StringComparison.Ordinal);
        Assert.DoesNotContain("counter", hosts, StringComparison.Ordinal);
        Assert.DoesNotContain("hosts4_in", Tool.In(_lab.Gateway, "nft", "list", "sets", "inet"), StringComparison.Ordinal);
        Assert.Contains("flags dynamic", Set("seen4"), StringComparison.Ordinal);
        Assert.Equal(2, enforcer.ElementCount);
    }

    [Fact]
    public async Task Host_its_seen_set_cannot_count_still_passes_and_is_counted_as_uncounted()
    {
        using var enforcer = Enforcer();
        var list = AllowList.Of(1, [D($"{Lab.Allowed}/32"), D($"{Lab.NetHost}/32")]);
        enforcer.Apply(list);
        // A seen set with room for one element: the kernel cannot make one for the second host (as when its per-CPU
        // atomic pool runs dry). The size is not part of the layout the repair compares, so the set stays.
        var script = Path.GetTempFileName();
        try
        {
            File.WriteAllText(script, """
                flush chain inet outputguard forward
                flush chain inet outputguard replies4
                delete set inet outputguard seen4_in
                add set inet outputguard seen4_in { type ipv4_addr; flags dynamic; counter; size 1; }
                """);
            Tool.In(_lab.Gateway, "nft", "-f", script);
        }
        finally
        {
            File.Delete(script);
        }

        Assert.Contains("rules of chain forward differ", string.Join("; ", enforcer.Repair(DriftScope.Everything).Findings), StringComparison.Ordinal);
        var first = _lab.Serve(Lab.Allowed, 80);
        var second = _lab.Serve(Lab.NetHost, 80);
        Assert.Equal(10_000, await HttpProbe.GetAsync(_lab.Client, first.Endpoint, 10_000));
        Assert.Equal(50_000, await HttpProbe.GetAsync(_lab.Client, second.Endpoint, 50_000));

        using var reader = new KernelCounterReader(NftConnection.OpenIn(_lab.Gateway), 100, NullLogger.Instance);
        var allowed = reader.Refresh().Allowed;

        Assert.InRange(allowed.Single(c => c.Ip == Lab.Allowed.ToString() && c.Type == "INPUT").Bytes, 10_000UL, 20_000UL);
        Assert.DoesNotContain(allowed, c => c.Ip == Lab.NetHost.ToString() && c.Type == "INPUT");
        Assert.InRange(allowed.Single(c => c.Ip == KernelCounterReader.UncountedLabel && c.Type == "INPUT").Bytes, 50_000UL, 60_000UL);
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);

        // The uncounted host leaves the allow-list though its full seen set has no room: taking a host out of the seen
        // sets (the kernel's destroy command) asks nothing of their room, so the removal cannot fail open.
        enforcer.Apply(list, list.Apply(2, [], [D($"{Lab.NetHost}/32")]));
        Assert.DoesNotContain(Lab.NetHost.ToString(), Set("hosts4"), StringComparison.Ordinal);
        Assert.Null(await HttpProbe.GetAsync(_lab.Client, second.Endpoint, 1_000, TimeSpan.FromSeconds(1)));
        Assert.Equal(1, enforcer.ElementCount);
    }
}
