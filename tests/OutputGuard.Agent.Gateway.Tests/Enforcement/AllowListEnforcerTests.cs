using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Netlink.Nftables;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

public sealed class AllowListEnforcerTests : IDisposable
{
    private static readonly EnforcerSettings Settings = Destinations.LabSettings;

    private readonly GatewayNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    private AllowListEnforcer Enforcer(EnforcerSettings? settings = null)
    {
        var e = new AllowListEnforcer(NftConnection.OpenIn(_ns.Name), settings ?? Settings, NullLogger.Instance);
        e.Start();
        return e;
    }


    private uint Generation()
    {
        using var nft = NftConnection.OpenIn(_ns.Name);
        return nft.GetGenerationId();
    }

    [Fact]
    public void A_new_table_drops_forwarded_traffic_from_its_first_commit()
    {
        using var enforcer = Enforcer();

        var chain = _ns.Nft("list", "chain", "inet", "outputguard", "forward");
        Assert.Contains("policy drop", chain, StringComparison.Ordinal);
        Assert.Contains("update @denied4", chain, StringComparison.Ordinal);
        Assert.Contains("masquerade", _ns.Nft("list", "chain", "inet", "outputguard", "postrouting"), StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_adopts_the_table_without_changing_the_kernel()
    {
        using (var first = Enforcer())
        {
            first.Apply(AllowList.Of(1, [D("203.0.113.10/32"), D("198.51.100.0/24"), D("203.0.113.12/32 6 8080 8080"), D("2001:db8:2::10/128 6 80 90")]));
        }

        var before = Generation();
        using var second = Enforcer();

        Assert.Equal(before, Generation());
        Assert.Equal(4, second.ElementCount);
    }

    [Fact]
    public void Same_delta_twice_does_not_move_the_generation_id()
    {
        using var enforcer = Enforcer();
        var list = AllowList.Of(1, [D("203.0.113.10/32")]);
        enforcer.Apply(list);
        var change = list.Apply(2, [D("203.0.113.11/32"), D("198.51.100.0/25")], []);
        Assert.True(enforcer.Apply(list, change).Committed);
        var after = Generation();

        var again = enforcer.Apply(list, change);

        Assert.False(again.Committed);
        Assert.Equal(after, Generation());
        Assert.Contains("203.0.113.11", _ns.Nft("list", "set", "inet", "outputguard", "hosts4"), StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_equal_to_the_kernel_does_not_move_the_generation_id()
    {
        using var enforcer = Enforcer();
        var destinations = new[] { D("203.0.113.10/32"), D("198.51.100.0/24"), D("198.51.100.0/25"), D("203.0.113.12/32 6 8080 8081"), D("203.0.113.12/32 6 8082 8090") };
        enforcer.Apply(AllowList.Of(1, destinations));
        var before = Generation();

        var result = enforcer.Apply(AllowList.Of(2, destinations.Reverse()));

        Assert.False(result.Committed);
        Assert.Equal(before, Generation());
    }

    [Fact]
    public void Host_removed_and_added_again_in_one_delta_stays_in_the_hosts_set()
    {
        using var enforcer = Enforcer();
        var list = AllowList.Of(1, [D("203.0.113.10/32"), D("2001:db8::10/128")]);
        enforcer.Apply(list);

        var change = list.Apply(2, [D("203.0.113.10/32"), D("2001:db8::11/128")], [D("203.0.113.10/32"), D("2001:db8::10/128")]);
        enforcer.Apply(list, change);

        Assert.Contains("203.0.113.10", _ns.Nft("list", "set", "inet", "outputguard", "hosts4"), StringComparison.Ordinal);
        var hosts6 = _ns.Nft("list", "set", "inet", "outputguard", "hosts6");
        Assert.Contains("2001:db8::11", hosts6, StringComparison.Ordinal);
        Assert.DoesNotContain("2001:db8::10", hosts6, StringComparison.Ordinal);
        Assert.Equal(2, enforcer.ElementCount);
    }

    [Fact]
    public void Snapshot_reports_where_its_time_went_and_an_equal_one_sends_no_batch()
    {
        using var enforcer = Enforcer();
        var destinations = Enumerable.Range(0, 2000).Select(i => D($"203.0.{112 + (i / 250)}.{i % 250}/32")).ToList();

        enforcer.Apply(AllowList.Of(1, destinations));
        var load = enforcer.LastApply;
        enforcer.Apply(AllowList.Of(2, destinations));
        var equal = enforcer.LastApply;

        Assert.True(load.Committed);
        Assert.InRange(load.BatchBytes, 2000 * 16, int.MaxValue); // the hosts set, 16 bytes a key at least
        Assert.True(load.Kernel > TimeSpan.Zero);
        Assert.False(equal.Committed);
        Assert.Equal(0, equal.BatchBytes);
        Assert.Equal(2000, enforcer.ElementCount);
    }

    [Fact]
    public void Overlapping_cidrs_are_merged_into_one_interval()
    {
        using var enforcer = Enforcer();

        enforcer.Apply(AllowList.Of(1, [D("198.51.100.0/24"), D("198.51.100.128/25"), D("203.0.113.0/25"), D("203.0.113.128/25")]));

        var set = _ns.Nft("list", "set", "inet", "outputguard", "nets4");
        Assert.Contains("198.51.100.0/24", set, StringComparison.Ordinal);
        Assert.Contains("203.0.113.0/24", set, StringComparison.Ordinal);
        Assert.DoesNotContain("/25", set, StringComparison.Ordinal);
    }

    [Fact]
    public void Internal_destinations_are_never_written()
    {
        using var enforcer = Enforcer();

        enforcer.Apply(AllowList.Of(1, [D("10.1.2.3/32"), D("203.0.113.10/32")]));

        var set = _ns.Nft("list", "set", "inet", "outputguard", "hosts4");
        Assert.DoesNotContain("10.1.2.3", set, StringComparison.Ordinal);
        Assert.Contains("203.0.113.10", set, StringComparison.Ordinal);
    }

    [Fact]
    public void Snapshot_removes_what_it_no_longer_holds_in_one_commit()
    {
        using var enforcer = Enforcer();
        enforcer.Apply(AllowList.Of(1, [D("203.0.113.10/32"), D("198.51.100.0/24"), D("203.0.113.12/32 6 8080 8080")]));
        var before = Generation();

        enforcer.Apply(AllowList.Of(2, [D("203.0.113.11/32")]));

        Assert.Equal(before + 1, Generation());
        var ruleset = _ns.Nft("list", "table", "inet", "outputguard");
        Assert.DoesNotContain("203.0.113.10", ruleset, StringComparison.Ordinal);
        Assert.DoesNotContain("198.51.100.0", ruleset, StringComparison.Ordinal);
        Assert.DoesNotContain("8080", ruleset, StringComparison.Ordinal);
        Assert.Equal(1, enforcer.ElementCount);
    }

    [Fact]
    public void Delta_that_replaces_a_port_rule_with_a_wider_one_is_one_batch_that_keeps_the_port_open()
    {
        using var enforcer = Enforcer();
        var list = AllowList.Of(1, [D("203.0.113.12/32 6 443 443")]);
        enforcer.Apply(list);
        var before = Generation();

        var change = list.Apply(2, [D("203.0.113.12/32 6 443 8443")], [D("203.0.113.12/32 6 443 443")]);
        var result = enforcer.Apply(list, change);

        Assert.True(result.Committed);
        Assert.Equal(before + 1, Generation());
        var set = _ns.Nft("list", "set", "inet", "outputguard", "ports4");
        Assert.Contains("203.0.113.12 . tcp . 443-8443", set, StringComparison.Ordinal);
        Assert.Contains("203.0.113.12 . tcp . 443-8443", _ns.Nft("list", "set", "inet", "outputguard", "ports4_in"), StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_mode_accepts_after_recording()
    {
        using var enforcer = Enforcer(Settings with { Observe = true });

        var chain = _ns.Nft("list", "chain", "inet", "outputguard", "forward");
        Assert.Contains("update @denied4 { ip daddr . meta l4proto . tcp dport timeout 1h } accept", chain, StringComparison.Ordinal);
        Assert.DoesNotContain(" drop", chain.Replace("policy drop", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Cleanup_removes_the_table()
    {
        using (Enforcer())
        {
        }

        using var nft = NftConnection.OpenIn(_ns.Name);
        Assert.True(AllowListEnforcer.Cleanup(nft));
        Assert.DoesNotContain("outputguard", _ns.Nft("list", "tables"), StringComparison.Ordinal);
        Assert.False(AllowListEnforcer.Cleanup(nft));
    }
}
