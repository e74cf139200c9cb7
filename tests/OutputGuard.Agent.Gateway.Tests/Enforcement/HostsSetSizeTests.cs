using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Addressing;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Agent.Gateway.Tests.Metrics;
using OutputGuard.Netlink.Nftables;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Enforcement;

/// <summary>
/// The hosts set is made with a size (the kernel's hint for its hash table, and a cap): room for twice its hosts, made
/// anew in the batch of the change that would outgrow it, adopted as found when it has room, put back when someone
/// changed it, and a list above the maximum refused before any work. The kernel's own sets, read with nft; real
/// traffic through the lab's gateway.
/// </summary>
public sealed class HostsSetSizeTests : IDisposable
{
    private static readonly EnforcerSettings Small = LabSettings with { HostsSizeMinimum = 8 };

    private readonly Lab _lab = new();

    public void Dispose() => _lab.Dispose();

    private AllowListEnforcer Enforcer(EnforcerSettings settings)
    {
        var e = new AllowListEnforcer(NftConnection.OpenIn(_lab.Gateway), settings, NullLogger.Instance);
        e.Start();
        return e;
    }

    private string Set(string name) => LabTable.Set(_lab.Gateway, name);

    private string Size() => LabTable.Size(_lab.Gateway);

    private uint Generation() => LabTable.Generation(_lab.Gateway);

    private HashSet<string> Elements(string name) => LabTable.Elements(_lab.Gateway, name);

    private static string Address(Destination d) => d.Prefix.ToString().Split('/')[0];

    private static Destination[] Others(int count, int from = 50) =>
        [.. Enumerable.Range(from, count).Select(i => D(string.Create(CultureInfo.InvariantCulture, $"203.0.113.{i}/32")))];

    private void Nft(string script) => LabTable.Script(_lab.Gateway, script);

    [Fact]
    public async Task Change_that_outgrows_the_hosts_set_makes_it_anew_in_its_one_batch_and_keeps_every_count()
    {
        using var enforcer = Enforcer(Small);
        Assert.Equal("size 8", Size());
        var allowed = D($"{Lab.Allowed}/32");
        var list = AllowList.Of(1, [allowed, .. Others(2)]);
        enforcer.Apply(list);
        Assert.Equal("size 8", Size());
        var server = _lab.Serve(Lab.Allowed, 80);
        Assert.Equal(30_000, await HttpProbe.GetAsync(_lab.Client, server.Endpoint, 30_000));
        var counted = MetricsPage.KernelSum(_lab.Gateway, "seen4_in");
        Assert.InRange(counted, 30_000UL, 50_000UL);

        // Thirteen hosts do not fit in 8: one batch makes the set anew with room for twice as many (32) and all 13.
        var before = Generation();
        var result = enforcer.Apply(list, list.Apply(2, Others(10, from: 52), []));

        Assert.Equal(10, result.Added);
        Assert.Equal(before + 1, Generation());
        Assert.Equal("size 32", Size());
        Assert.Equal(list.Hosts.Select(Address).ToHashSet(), Elements("hosts4"));
        Assert.Equal(13, enforcer.ElementCount);
        Assert.Equal(counted, MetricsPage.KernelSum(_lab.Gateway, "seen4_in"));
        Assert.Equal(20_000, await HttpProbe.GetAsync(_lab.Client, server.Endpoint, 20_000));
        Assert.InRange(MetricsPage.KernelSum(_lab.Gateway, "seen4_in"), counted + 20_000, counted + 40_000);

        // A snapshot that outgrows the set and drops the counted host: the host leaves the seen sets in that batch.
        var big = AllowList.Of(3, Others(40, from: 140));
        enforcer.Apply(big);
        Assert.Equal("size 128", Size());
        Assert.Equal(big.Hosts.Select(Address).ToHashSet(), Elements("hosts4"));
        Assert.DoesNotContain(Lab.Allowed.ToString(), Elements("seen4_in"));
        Assert.Equal(40, enforcer.ElementCount);
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);
        Assert.False(await HttpProbe.CanConnectAsync(_lab.Client, server.Endpoint, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void Restart_adopts_a_hosts_set_with_room_and_repair_puts_back_a_size_someone_changed()
    {
        var list = AllowList.Of(1, [D($"{Lab.Allowed}/32"), .. Others(2)]);
        using (var first = Enforcer(Small))
        {
            first.Apply(list);
        }

        // A larger minimum does not make an adopted set with room anew (that would reload a million hosts).
        using var enforcer = Enforcer(LabSettings);
        Assert.Equal("size 8", Size());
        Assert.False(enforcer.Apply(list).Committed);

        Nft($$"""
            flush chain inet outputguard forward
            flush chain inet outputguard outbound4
            flush chain inet outputguard replies4
            delete set inet outputguard hosts4
            add set inet outputguard hosts4 { type ipv4_addr; size 3; }
            add element inet outputguard hosts4 { {{Lab.Allowed}} }
            """);
        var report = enforcer.Repair(DriftScope.Everything);

        Assert.Contains("set hosts4 has size 3 (applied: 8)", string.Join("; ", report.Findings), StringComparison.Ordinal);
        Assert.Equal("size 8", Size());
        Assert.Equal(list.Hosts.Select(Address).ToHashSet(), Elements("hosts4"));
        Assert.False(enforcer.Repair(DriftScope.Everything).Drifted);
    }

    [Fact]
    public void Table_of_unsized_hosts_set_is_upgraded_in_one_batch_that_keeps_its_hosts()
    {
        var list = AllowList.Of(1, [D($"{Lab.Allowed}/32"), .. Others(2)]);
        using (var first = Enforcer(Small))
        {
            first.Apply(list);
        }

        Nft($$"""
            flush chain inet outputguard forward
            flush chain inet outputguard outbound4
            flush chain inet outputguard replies4
            delete set inet outputguard hosts4
            add set inet outputguard hosts4 { type ipv4_addr; }
            add element inet outputguard hosts4 { {{Lab.Allowed}}, 203.0.113.50, 203.0.113.51 }
            """);
        using var enforcer = Enforcer(Small);

        Assert.Equal("size 8", Size());
        Assert.Equal(3, enforcer.ElementCount);
        Assert.False(enforcer.Apply(list).Committed);
    }

    [Fact]
    public void List_with_more_hosts_than_the_maximum_is_refused_before_any_work_and_the_kernel_keeps_what_it_held()
    {
        using var enforcer = Enforcer(Small with { HostsMaximum = 4 });
        var list = AllowList.Of(1, Others(3));
        enforcer.Apply(list);
        var before = Generation();
        var held = Set("hosts4");

        var snapshot = Assert.Throws<InvalidOperationException>(() => enforcer.Apply(AllowList.Of(2, Others(5))));
        Assert.Contains("5 IPv4 hosts, more than the 4 a gateway applies", snapshot.Message, StringComparison.Ordinal);
        var delta = Assert.Throws<InvalidOperationException>(() => enforcer.Apply(list, list.Apply(2, Others(2, from: 53), [])));
        Assert.Contains("5 IPv4 hosts", delta.Message, StringComparison.Ordinal);

        Assert.Equal(before, Generation());
        Assert.Equal(held, Set("hosts4"));
        Assert.Equal(3, enforcer.ElementCount);
    }

    [Fact]
    public void Capacity_is_twice_the_power_of_two_above_the_hosts_within_its_bounds()
    {
        Assert.Equal(65536u, HostsCapacity.For(0, HostsCapacity.DefaultMinimum, HostsCapacity.DefaultMaximum));
        Assert.Equal(65536u, HostsCapacity.For(32_768, HostsCapacity.DefaultMinimum, HostsCapacity.DefaultMaximum));
        Assert.Equal(131072u, HostsCapacity.For(32_769, HostsCapacity.DefaultMinimum, HostsCapacity.DefaultMaximum));
        Assert.Equal(2_097_152u, HostsCapacity.For(1_000_000, HostsCapacity.DefaultMinimum, HostsCapacity.DefaultMaximum));
        Assert.Equal(FamilyLayout.SeenSize, HostsCapacity.For(FamilyLayout.SeenSize, HostsCapacity.DefaultMinimum, HostsCapacity.DefaultMaximum));
        Assert.Equal(16u, HostsCapacity.For(3, 16, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => HostsCapacity.For(5, 1, 4));
        Assert.Throws<ArgumentException>(() => new AllowListEnforcer(NftConnection.OpenIn(_lab.Gateway), LabSettings with { HostsMaximum = FamilyLayout.SeenSize + 1 }, NullLogger.Instance));
    }
}
