using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Netlink.Nftables;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

/// <summary>The enforcer's repair in-process: what it finds, what one batch undoes, what it leaves alone.</summary>
public sealed class DriftRepairTests : IDisposable
{
    private static readonly EnforcerSettings Settings = Destinations.LabSettings;

    private readonly GatewayNamespace _ns = new();

    public void Dispose() => _ns.Dispose();


    private AllowListEnforcer Applied()
    {
        var e = new AllowListEnforcer(NftConnection.OpenIn(_ns.Name), Settings, NullLogger.Instance);
        e.Start();
        e.Apply(AllowList.Of(3, [D("203.0.113.10/32"), D("198.51.100.0/24"), D("203.0.113.12/32 6 443 443")], "store-a"));
        return e;
    }

    [Fact]
    public void Untouched_table_is_clean_and_no_batch_is_sent()
    {
        using var enforcer = Applied();
        var generation = enforcer.Generation();

        var report = enforcer.Repair(DriftScope.Everything);

        Assert.False(report.Drifted);
        Assert.Equal(generation, enforcer.Generation());
    }

    [Fact]
    public void Foreign_element_rule_and_chain_are_found_and_removed_in_one_batch()
    {
        using var enforcer = Applied();
        _ns.Nft("add", "element", "inet", "outputguard", "hosts4", "{ 203.0.113.11 }");
        _ns.Nft("insert", "rule", "inet", "outputguard", "forward", "accept");
        _ns.Nft("add", "chain", "inet", "outputguard", "backdoor", "{ type filter hook forward priority -10; policy accept; }");
        var generation = enforcer.Generation();

        var report = enforcer.Repair(DriftScope.Everything);

        Assert.True(report.Repaired);
        Assert.Contains("set hosts4 held 1 element(s) not applied", report.Findings);
        Assert.Contains("foreign chain backdoor", report.Findings);
        Assert.Contains(report.Findings, f => f.StartsWith("rules of chain forward differ", StringComparison.Ordinal));
        Assert.Equal(generation + 1, enforcer.Generation());
        Assert.True(TableOracle.IsAsApplied(_ns.Name, "203.0.113.10"));
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);
    }

    [Fact]
    public void Accept_rule_in_an_allow_chain_and_a_deleted_allow_chain_are_undone()
    {
        using var enforcer = Applied();
        _ns.Nft("insert", "rule", "inet", "outputguard", "outbound4", "accept");
        _ns.Nft("flush", "chain", "inet", "outputguard", "replies6");
        _ns.Nft("delete", "rule", "inet", "outputguard", "forward", "handle", JumpHandle("replies6"));
        _ns.Nft("delete", "chain", "inet", "outputguard", "replies6");

        var report = enforcer.Repair(DriftScope.Structure);

        Assert.True(report.Repaired);
        Assert.Contains("chain replies6 is missing", report.Findings);
        Assert.Contains(report.Findings, f => f.StartsWith("rules of chain outbound4 differ", StringComparison.Ordinal));
        Assert.True(TableOracle.IsAsApplied(_ns.Name, "203.0.113.10"));
        Assert.DoesNotContain("\t\taccept\n", _ns.Nft("list", "chain", "inet", "outputguard", "outbound4"), StringComparison.Ordinal);
        Assert.Contains("jump replies6", _ns.Nft("list", "chain", "inet", "outputguard", "forward"), StringComparison.Ordinal);
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);
    }

    private string JumpHandle(string chain) =>
        _ns.Nft("-a", "list", "chain", "inet", "outputguard", "forward").Split('\n').Single(l => l.Contains($"jump {chain} ", StringComparison.Ordinal)).Split("# handle ")[1].Trim();

    [Fact]
    public void Structure_scope_does_not_read_set_contents()
    {
        using var enforcer = Applied();
        _ns.Nft("add", "element", "inet", "outputguard", "hosts4", "{ 203.0.113.11 }");

        Assert.False(enforcer.Repair(DriftScope.Structure).Drifted);
        Assert.True(enforcer.Repair(new DriftScope(false, new HashSet<string>(StringComparer.Ordinal) { "hosts4" })).Drifted);
    }

    [Fact]
    public void Elements_named_by_events_are_checked_without_reading_the_set()
    {
        using var enforcer = Applied();
        _ns.Nft("add", "element", "inet", "outputguard", "hosts4", "{ 203.0.113.11 }");
        _ns.Nft("delete", "element", "inet", "outputguard", "hosts4", "{ 203.0.113.10 }");
        var scope = new DriftScope(false, new HashSet<string>(StringComparer.Ordinal))
        {
            Changes = new Dictionary<string, IReadOnlyList<(NftSetElement, bool)>>(StringComparer.Ordinal)
            {
                ["hosts4"] = [(NftSetElement.Address(Lab.Unlisted), true), (NftSetElement.Address(Lab.Allowed), false)],
            },
        };

        var report = enforcer.Repair(scope);

        Assert.Equal(["set hosts4 held 1 element(s) not applied", "set hosts4 lacked 1 applied element(s)"], report.Findings);
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);
    }

    [Fact]
    public void Events_the_set_has_moved_past_fall_back_to_reading_it()
    {
        using var enforcer = Applied();
        var stale = new DriftScope(false, new HashSet<string>(StringComparer.Ordinal))
        {
            // An element someone added and removed again before the repair ran.
            Changes = new Dictionary<string, IReadOnlyList<(NftSetElement, bool)>>(StringComparer.Ordinal)
            {
                ["hosts4"] = [(NftSetElement.Address(Lab.Unlisted), true)],
            },
        };
        var generation = enforcer.Generation();

        var report = enforcer.Repair(stale);

        Assert.False(report.Drifted);
        Assert.Equal(generation, enforcer.Generation());
    }

    [Fact]
    public void Recreated_table_gets_every_applied_element_and_the_marker_back()
    {
        using var enforcer = Applied();
        _ns.Nft("delete", "table", "inet", "outputguard");

        var report = enforcer.Repair(DriftScope.Structure);

        Assert.Equal(["the table inet outputguard is missing"], report.Findings);
        Assert.Contains("203.0.113.12 . tcp . 443", _ns.Nft("list", "set", "inet", "outputguard", "ports4"), StringComparison.Ordinal);
        Assert.Contains("198.51.100.0/24", _ns.Nft("list", "set", "inet", "outputguard", "nets4_in"), StringComparison.Ordinal);
        Assert.Contains("outputguard store store-a revision 3", _ns.Nft("list", "chain", "inet", "outputguard", "state"), StringComparison.Ordinal);
    }

    [Fact]
    public void Restart_adopts_the_marker_of_what_the_table_holds()
    {
        using (Applied())
        {
        }

        using var again = new AllowListEnforcer(NftConnection.OpenIn(_ns.Name), Settings, NullLogger.Instance);
        again.Start();

        Assert.Equal(new TableMarker("store-a", 3), again.AdoptedMarker);
    }
}
