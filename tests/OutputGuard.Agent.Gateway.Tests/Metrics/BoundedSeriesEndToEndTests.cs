using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

/// <summary>
/// The real agent exporting at most three destinations (<c>--metrics-destinations 3</c>, chosen again at every
/// reading) while six carry real traffic of different sizes through the gateway.
/// </summary>
public sealed class BoundedSeriesEndToEndTests : GatewayLab
{
    private const int Limit = 3;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    /// <summary>Six hosts; the i-th downloads (i + 1) × 40 kB, so the last three are the busiest.</summary>
    private static readonly IPAddress[] Hosts = [.. Enumerable.Range(31, 6).Select(i => IPAddress.Parse($"203.0.113.{i}"))];

    protected override string[] AgentFlags => ["--metrics-destinations", "3", "--metrics-rechoose-ms", "0"];

    private async Task TrafficAsync()
    {
        foreach (var h in Hosts)
        {
            Tool.In(Lab.Internet, "ip", "addr", "add", $"{h}/32", "dev", "lo");
            await ControlPlane.AllowAsync(h.ToString());
        }

        await SyncedAsync();
        for (var i = 0; i < Hosts.Length; i++)
        {
            var server = Lab.Serve(Hosts[i], 80);
            Assert.Equal((i + 1) * 40_000, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, (i + 1) * 40_000));
        }
    }

    /// <summary>Waits until the exported series sum to the kernel's counters (the background reading caught up).</summary>
    private async Task<string> CaughtUpAsync() => await Eventually.Until(
        Agent.MetricsAsync,
        text => Sum(text, "iptables_bytes_count", "INPUT") == MetricsPage.KernelSum(Lab.Gateway, "seen4_in")
            && Sum(text, "iptables_bytes_count", "OUTPUT") == MetricsPage.KernelSum(Lab.Gateway, "seen4")
            && MetricsPage.Value(text, "iptables_bytes_count", "ip", Hosts[^1].ToString(), "INPUT") > 0,
        Deadline,
        "the exported series sum to the kernel's counters");

    private static double Sum(string text, string name, string type) =>
        MetricsPage.Series(text, name).Where(s => s.Labels["type"] == type).Sum(s => s.Value);

    [Fact]
    public async Task Busiest_destinations_are_exported_and_other_holds_the_rest_summing_to_the_kernel_counters()
    {
        await TrafficAsync();

        var text = await CaughtUpAsync();

        var series = MetricsPage.Series(text, "iptables_bytes_count");
        var ips = series.Select(s => s.Labels["ip"]).Distinct().Order().ToList();
        Assert.Equal([.. Hosts[3..].Select(h => h.ToString()), "other"], ips);
        Assert.Equal(2 * (Limit + 1), series.Count);
        Assert.All(series, s => Assert.Equal("gw-test", s.Labels["hostname"]));
        var exported = Hosts[3..].Sum(h => MetricsPage.Value(text, "iptables_bytes_count", "ip", h.ToString(), "INPUT")!.Value);
        var other = MetricsPage.Value(text, "iptables_bytes_count", "ip", "other", "INPUT")!.Value;
        Assert.InRange(other, 6 * 40_000, (6 * 40_000) + 20_000);
        Assert.Equal(MetricsPage.KernelSum(Lab.Gateway, "seen4_in"), (ulong)(exported + other));
        Assert.Equal(
            MetricsPage.KernelSum(Lab.Gateway, "seen4_in", "packets") + MetricsPage.KernelSum(Lab.Gateway, "seen4", "packets"),
            (ulong)MetricsPage.Series(text, "iptables_packets_count").Sum(s => s.Value));
    }

    [Fact]
    public async Task Entry_series_are_bounded_the_same_way_and_sum_to_the_kernel_counters()
    {
        await TrafficAsync();

        var text = await CaughtUpAsync();

        var entries = MetricsPage.Series(text, "outputguard_entry_bytes");
        Assert.Equal([.. Hosts[3..].Select(h => h.ToString()), "other"], entries.Select(s => s.Labels["entry"]).Distinct().Order());
        Assert.Equal(Sum(text, "iptables_bytes_count", "INPUT"), entries.Where(s => s.Labels["type"] == "INPUT").Sum(s => s.Value));
        Assert.Equal(Sum(text, "iptables_bytes_count", "OUTPUT"), entries.Where(s => s.Labels["type"] == "OUTPUT").Sum(s => s.Value));
    }

    [Fact]
    public async Task Prometheus_stores_exactly_the_documented_series_and_the_dashboard_query_works()
    {
        await TrafficAsync();
        await CaughtUpAsync();
        await using var prometheus = PrometheusServer.Start($"{Lab.GatewayControlAddress}:9900");

        var stored = await Eventually.Until(
            () => prometheus.QueryAsync("{__name__=~\"iptables_.*|outputguard_entry_.*\"}"),
            r => r.Count(x => x.Labels["__name__"] == "iptables_bytes_count") == 2 * (Limit + 1),
            Deadline,
            "the first scrape stored");

        var expected = Hosts[3..].Select(h => h.ToString()).Append("other").SelectMany(ip => new[] { $"{ip} INPUT", $"{ip} OUTPUT" }).Order().ToList();
        foreach (var name in new[] { "iptables_bytes_count", "iptables_packets_count" })
        {
            Assert.Equal(expected, stored.Where(x => x.Labels["__name__"] == name).Select(x => $"{x.Labels["ip"]} {x.Labels["type"]}").Order());
        }

        foreach (var name in new[] { "outputguard_entry_bytes", "outputguard_entry_packets" })
        {
            Assert.Equal(expected, stored.Where(x => x.Labels["__name__"] == name).Select(x => $"{x.Labels["entry"]} {x.Labels["type"]}").Order());
        }

        Assert.Equal(["iptables_bytes_count", "iptables_packets_count", "outputguard_entry_bytes", "outputguard_entry_packets"], stored.Select(x => x.Labels["__name__"]).Distinct().Order());
        var total = await prometheus.QueryAsync("sum(iptables_bytes_count{type=\"INPUT\"})");
        Assert.Equal((double)MetricsPage.KernelSum(Lab.Gateway, "seen4_in"), Assert.Single(total).Value);
        var dashboard = await Eventually.Until(
            () => prometheus.QueryAsync("sum by (ip) (increase(iptables_bytes_count{type=~\"OUTPUT\"}[2m]))"),
            r => r.Count == Limit + 1,
            Deadline,
            "the dashboard query over two scrapes");
        Assert.Equal([.. Hosts[3..].Select(h => h.ToString()), "other"], dashboard.Select(r => r.Labels["ip"]).Order());
    }

    [Fact]
    public async Task Each_new_choice_exports_its_busiest_under_their_own_labels_however_many_came_before()
    {
        // 14 hosts, and each round another three carry the most traffic: five choices export 15 keys in turn, more
        // than the series one metric may hold at once (2 × (3 + 1) + 16), so series of past choices must not hold
        // the room of the next.
        IPAddress[] hosts = [.. Enumerable.Range(50, 14).Select(i => IPAddress.Parse($"203.0.113.{i}"))];
        foreach (var h in hosts)
        {
            Tool.In(Lab.Internet, "ip", "addr", "add", $"{h}/32", "dev", "lo");
            await ControlPlane.AllowAsync(h.ToString());
        }

        await SyncedAsync();
        var servers = hosts.Select(h => Lab.Serve(h, 80)).ToList();
        for (var round = 0; round < 5; round++)
        {
            // Each round's hosts get more than any host before (a reading in the middle of a round may choose by the
            // bytes since the last one; once the round is over, the totals decide).
            var size = (round + 1) * 200_000;
            var busiest = Enumerable.Range(3 * round, 3).Select(i => i % hosts.Length).ToList();
            foreach (var i in busiest)
            {
                // A connect may need the kernel's SYN retry (1 s) on a loaded machine: what is tested is the series.
                Assert.Equal(size, await HttpProbe.GetAsync(Lab.Client, servers[i].Endpoint, size, TimeSpan.FromSeconds(10)));
            }

            var text = await Eventually.Until(
                Agent.MetricsAsync,
                t => busiest.All(i => MetricsPage.Value(t, "iptables_bytes_count", "ip", hosts[i].ToString(), "INPUT") >= size)
                    && Sum(t, "iptables_bytes_count", "INPUT") == MetricsPage.KernelSum(Lab.Gateway, "seen4_in"),
                Deadline,
                $"round {round}: its three busiest exported under their own ip labels, the series summing to the kernel's counters");
            Assert.Equal(2 * (Limit + 1), MetricsPage.Series(text, "iptables_bytes_count").Count);
        }
    }
}
