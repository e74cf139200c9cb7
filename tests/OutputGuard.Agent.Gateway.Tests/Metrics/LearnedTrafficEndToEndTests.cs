using System.Net;
using OutputGuard.Agent.Gateway.Tests.Dns;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

/// <summary>
/// Traffic to addresses the real agent's DNS proxy learned (a real dnsmasq upstream, clients in a namespace) is counted
/// per destination, per entry and in the traffic reports.
/// </summary>
public sealed class LearnedTrafficEndToEndTests : DnsLab
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    protected override IEnumerable<(IPAddress Address, string Name)> Records =>
    [
        (Lab.Allowed, "two.lab.test"),
        (Lab.Unlisted, "two.lab.test"),
        (Lab.PortRestricted, "a.wild.test"),
        (Lab.NetHost, "x.y.wild.test"),
    ];

    private static double Input(string text, string label, string value) =>
        MetricsPage.Value(text, label == "ip" ? "iptables_bytes_count" : "outputguard_entry_bytes", label, value, "INPUT") ?? 0;

    [Fact]
    public async Task Traffic_to_learned_addresses_of_a_wildcard_is_counted_per_destination_and_in_its_entry()
    {
        var a = Lab.Serve(Lab.PortRestricted, 80);
        var xy = Lab.Serve(Lab.NetHost, 80);
        await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        Assert.Equal([Lab.PortRestricted], DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "a.wild.test")));
        Assert.Equal([Lab.NetHost], DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "x.y.wild.test")));

        Assert.Equal(300_000, await HttpProbe.GetAsync(Lab.Client, a.Endpoint, 300_000));
        Assert.Equal(500_000, await HttpProbe.GetAsync(Lab.Client, xy.Endpoint, 500_000));

        var text = await Eventually.Until(
            Agent.MetricsAsync,
            t => Input(t, "ip", Lab.NetHost.ToString()) >= 500_000 && Input(t, "ip", Lab.PortRestricted.ToString()) >= 300_000,
            Deadline,
            "both learned addresses' downloads in iptables_bytes_count");
        Assert.Equal(MetricsPage.KernelSum(Lab.Gateway, "learned4_in"), (ulong)(Input(text, "ip", Lab.NetHost.ToString()) + Input(text, "ip", Lab.PortRestricted.ToString())));
        Assert.Equal(Input(text, "ip", Lab.NetHost.ToString()) + Input(text, "ip", Lab.PortRestricted.ToString()), Input(text, "entry", "*.wild.test"));
        Assert.True(MetricsPage.Value(text, "iptables_bytes_count", "ip", Lab.NetHost.ToString(), "OUTPUT") > 0, "the requests are counted as OUTPUT");
        Assert.InRange(MetricsPage.KernelSum(Lab.Gateway, "learned4"), 1UL, 100_000UL);

        var row = await Eventually.Until(
            async () => (await ControlPlane.Traffic.ListTrafficAsync(new ListTrafficRequest())).Destinations
                .FirstOrDefault(d => d.Destination.Prefix == $"{Lab.NetHost}/32"),
            d => d is not null && d.InputBytes >= 500_000,
            Deadline,
            "the learned address's download in ListTraffic");
        Assert.True(row!.OutputPackets > 0);
    }

    [Fact]
    public async Task Entry_series_of_a_domain_sums_its_two_addresses()
    {
        var first = Lab.Serve(Lab.Allowed, 80);
        var second = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync("two.lab.test");
        await RulesReceivedAsync(1);
        Assert.Equal([Lab.Allowed, Lab.Unlisted], DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "two.lab.test")).Order(Comparer<IPAddress>.Create((x, y) => string.CompareOrdinal(x.ToString(), y.ToString()))));

        Assert.Equal(200_000, await HttpProbe.GetAsync(Lab.Client, first.Endpoint, 200_000));
        Assert.Equal(400_000, await HttpProbe.GetAsync(Lab.Client, second.Endpoint, 400_000));

        var text = await Eventually.Until(
            Agent.MetricsAsync,
            t => Input(t, "ip", Lab.Allowed.ToString()) >= 200_000 && Input(t, "ip", Lab.Unlisted.ToString()) >= 400_000
                && Input(t, "entry", "two.lab.test") >= 600_000,
            Deadline,
            "both addresses' downloads in the entry's series");
        Assert.Equal(Input(text, "ip", Lab.Allowed.ToString()) + Input(text, "ip", Lab.Unlisted.ToString()), Input(text, "entry", "two.lab.test"));
        Assert.Null(MetricsPage.Value(text, "outputguard_entry_bytes", "entry", Lab.Allowed.ToString(), "INPUT"));
    }
}
