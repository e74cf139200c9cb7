using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Netlink.Nftables;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

/// <summary>
/// A restart that applies its saved state leaves the hosts sets unread (<c>Start(deferHosts: true)</c>): the saved
/// snapshot makes them anew in its one batch, the seen sets keep the counters of the hosts that stay and lose those
/// the list does not allow, and any other use reads the hosts first. The kernel's own sets, read with nft; real
/// traffic through the lab's gateway.
/// </summary>
public sealed class RestartWithSavedStateTests : IDisposable
{
    private static readonly EnforcerSettings Small = LabSettings with { HostsSizeMinimum = 8 };
    private static readonly Destination Stays = D($"{Lab.Allowed}/32");
    private static readonly Destination Deleted = D("203.0.113.50/32");
    private static readonly Destination Quiet = D("203.0.113.51/32");

    private readonly Lab _lab = new();

    public void Dispose() => _lab.Dispose();

    private static AllowList Saved() => AllowList.Of(1, [Stays, Deleted, Quiet]);

    private AllowListEnforcer Enforcer(bool deferHosts)
    {
        var e = new AllowListEnforcer(NftConnection.OpenIn(_lab.Gateway), Small, NullLogger.Instance);
        e.Start(deferHosts);
        return e;
    }

    /// <summary>The agent before the restart: it applied the saved list, then stopped.</summary>
    private void Applied(AllowList list)
    {
        using var first = Enforcer(deferHosts: false);
        first.Apply(list);
    }

    private string Set(string name) => LabTable.Set(_lab.Gateway, name);

    private string Size() => LabTable.Size(_lab.Gateway);

    private void Nft(params string[] args) => Tool.In(_lab.Gateway, "nft", args);

    private uint Generation() => LabTable.Generation(_lab.Gateway);

    private HashSet<string> Elements(string name) => LabTable.Elements(_lab.Gateway, name);

    /// <summary>The reply-direction bytes the seen set counted for <paramref name="host"/>.</summary>
    private ulong RepliesCounted(IPAddress host)
    {
        using var reader = new KernelCounterReader(NftConnection.OpenIn(_lab.Gateway), 100, NullLogger.Instance);
        return reader.Refresh().Allowed.Single(c => c.Ip == host.ToString() && c.Type == "INPUT").Bytes;
    }

    private static HashSet<string> Addresses(AllowList list) => [.. list.Hosts.Select(h => h.Prefix.ToString().Split('/')[0])];

    private static DriftScope Added(IPAddress host) => new(false, new HashSet<string>(StringComparer.Ordinal))
    {
        Changes = new Dictionary<string, IReadOnlyList<(NftSetElement, bool)>>(StringComparer.Ordinal)
        {
            ["hosts4"] = [(NftSetElement.Address(host), true)],
        },
    };

    [Fact]
    public async Task Saved_state_makes_the_unread_hosts_set_hold_exactly_its_list_in_one_batch_and_keeps_the_counts_of_hosts_that_stay()
    {
        var saved = Saved();
        Applied(saved);
        var allowed = _lab.Serve(Lab.Allowed, 80);
        var foreign = _lab.Serve(Lab.Unlisted, 80);
        Assert.Equal(30_000, await HttpProbe.GetAsync(_lab.Client, allowed.Endpoint, 30_000));
        var counted = RepliesCounted(Lab.Allowed);

        // While the agent is down someone allows a host of their own (which then carries traffic, so the seen sets
        // hold it) and deletes an applied one.
        Nft("add", "element", "inet", "outputguard", "hosts4", $"{{ {Lab.Unlisted} }}");
        Nft("delete", "element", "inet", "outputguard", "hosts4", "{ 203.0.113.50 }");
        Assert.Equal(10_000, await HttpProbe.GetAsync(_lab.Client, foreign.Endpoint, 10_000));
        Assert.Contains(Lab.Unlisted.ToString(), Elements("seen4_in"));

        using var enforcer = Enforcer(deferHosts: true);
        Assert.True(enforcer.HostsDeferred);
        var before = Generation();
        var result = enforcer.Apply(saved);

        Assert.True(result.Committed);
        Assert.Equal(before + 1, Generation());
        Assert.False(enforcer.HostsDeferred);
        Assert.Equal("size 8", Size());
        Assert.Equal(Addresses(saved), Elements("hosts4"));
        Assert.DoesNotContain(Lab.Unlisted.ToString(), Elements("seen4"));
        Assert.DoesNotContain(Lab.Unlisted.ToString(), Elements("seen4_in"));
        Assert.True(RepliesCounted(Lab.Allowed) >= counted, "the counts of a host that stays are kept");
        Assert.Equal(3, enforcer.ElementCount);
        Assert.False(enforcer.Apply(saved).Committed);
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);
        Assert.False(await HttpProbe.CanConnectAsync(_lab.Client, foreign.Endpoint, TimeSpan.FromSeconds(1)));
        Assert.Equal(10_000, await HttpProbe.GetAsync(_lab.Client, allowed.Endpoint, 10_000));
        Assert.True(RepliesCounted(Lab.Allowed) >= counted + 10_000);
    }

    [Fact]
    public void Saved_list_with_more_hosts_than_the_adopted_size_makes_the_set_with_room_for_them()
    {
        Applied(Saved());
        var saved = AllowList.Of(2, [.. Enumerable.Range(60, 10).Select(i => D(string.Create(CultureInfo.InvariantCulture, $"203.0.113.{i}/32")))]);

        using var enforcer = Enforcer(deferHosts: true);
        var before = Generation();
        enforcer.Apply(saved);

        Assert.Equal(before + 1, Generation());
        Assert.Equal("size 32", Size());
        Assert.Equal(Addresses(saved), Elements("hosts4"));
        Assert.Equal(10, enforcer.ElementCount);
    }

    [Fact]
    public void Without_a_saved_state_the_hosts_read_later_are_what_the_gateway_found()
    {
        var saved = Saved();
        Applied(saved);
        Nft("add", "element", "inet", "outputguard", "hosts4", $"{{ {Lab.Unlisted} }}");

        using var enforcer = Enforcer(deferHosts: true);
        var before = Generation();
        enforcer.AdoptHosts();
        enforcer.AdoptHosts();

        Assert.False(enforcer.HostsDeferred);
        Assert.Equal(before, Generation());
        Assert.Equal(4, enforcer.ElementCount);
        Assert.False(enforcer.Apply(AllowList.Of(2, [.. saved.All, D($"{Lab.Unlisted}/32")])).Committed);
        Assert.Equal("size 8", Size());
    }

    [Fact]
    public void Delta_while_the_hosts_are_unread_reads_them_first()
    {
        var list = Saved();
        Applied(list);

        using var enforcer = Enforcer(deferHosts: true);
        var result = enforcer.Apply(list, list.Apply(2, [D("203.0.113.52/32")], [Deleted]));

        Assert.Equal((1, 1, true), (result.Added, result.Removed, result.Committed));
        Assert.False(enforcer.HostsDeferred);
        Assert.Equal(Addresses(list), Elements("hosts4"));
        Assert.Equal(3, enforcer.ElementCount);
        Assert.False(enforcer.Apply(list).Committed);
    }

    [Fact]
    public void Repair_while_the_hosts_are_unread_reads_them_first_and_wipes_nothing()
    {
        var saved = Saved();
        Applied(saved);

        using var enforcer = Enforcer(deferHosts: true);
        var report = enforcer.Repair(DriftScope.Everything);

        Assert.False(report.Drifted);
        Assert.False(enforcer.HostsDeferred);
        Assert.Equal(Addresses(saved), Elements("hosts4"));
    }

    [Fact]
    public void Foreign_host_added_while_the_hosts_are_unread_is_removed_by_the_repair_of_its_event()
    {
        var saved = Saved();
        Applied(saved);
        using var enforcer = Enforcer(deferHosts: true);
        Nft("add", "element", "inet", "outputguard", "hosts4", $"{{ {Lab.Unlisted} }}");
        Nft("add", "element", "inet", "outputguard", "seen4", $"{{ {Lab.Unlisted} }}");

        var report = enforcer.Repair(Added(Lab.Unlisted));

        Assert.Equal(["set hosts4 held 1 element(s) not applied"], report.Findings);
        Assert.Equal(Addresses(saved), Elements("hosts4"));
        Assert.DoesNotContain(Lab.Unlisted.ToString(), Elements("seen4"));
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);
    }
}
