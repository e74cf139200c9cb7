using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Agent.Gateway.Tests.Metrics;
using OutputGuard.V1;

namespace OutputGuard.Agent.Gateway.Tests.EndToEnd;

public sealed class CounterEndToEndTests : GatewayLab
{
    private const int Payload = 1_000_000;

    // Per packet at most an IPv4 header with options and a TCP header with options; plus the HTTP head.
    private const int HeaderBytesPerPacket = 60 + 60;
    private const int HttpHead = 512;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<(double Bytes, double Packets)> CountersAsync(string type)
    {
        var text = await Agent.MetricsAsync();
        var labels = new[] { $"ip=\"{Lab.Allowed}\"", $"type=\"{type}\"", "hostname=\"gw-test\"" };
        return (GatewayAgent.Value(text, "iptables_bytes_count", labels) ?? 0, GatewayAgent.Value(text, "iptables_packets_count", labels) ?? 0);
    }

    /// <summary>The counters once the agent's background reading shows at least <paramref name="bytes"/> (scrapes serve the latest reading).</summary>
    private Task<(double Bytes, double Packets)> CountersAtLeastAsync(string type, double bytes) =>
        Eventually.Until(() => CountersAsync(type), c => c.Bytes >= bytes, Deadline, $"{type} bytes of at least {bytes} in the metrics");

    [Fact]
    public async Task Download_grows_INPUT_bytes_by_the_payload_plus_at_most_headers()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        var before = await CountersAsync("INPUT");

        Assert.Equal(Payload, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, Payload));

        var after = await CountersAtLeastAsync("INPUT", before.Bytes + Payload);
        var grown = after.Bytes - before.Bytes;
        var packets = after.Packets - before.Packets;
        Assert.InRange(grown, Payload, Payload + (packets * HeaderBytesPerPacket) + HttpHead);
    }

    [Fact]
    public async Task Traffic_by_destination_reaches_the_admin_api()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        Assert.Equal(Payload, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, Payload));

        var row = await Eventually.Until(
            async () => (await ControlPlane.Traffic.ListTrafficAsync(new ListTrafficRequest())).Destinations
                .FirstOrDefault(d => d.Destination.Prefix == $"{Lab.Allowed}/32"),
            d => d is not null && d.InputBytes >= (ulong)Payload,
            Deadline,
            "the download in ListTraffic");
        Assert.True(row!.OutputPackets > 0);
        Assert.Equal(1, row.Gateways);
    }

    [Fact]
    public async Task Upload_grows_OUTPUT_bytes_by_the_payload_plus_at_most_headers()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        var before = await CountersAsync("OUTPUT");

        Assert.Equal(Payload, await HttpProbe.PostAsync(Lab.Client, server.Endpoint, Payload));

        var after = await CountersAtLeastAsync("OUTPUT", before.Bytes + Payload);
        var grown = after.Bytes - before.Bytes;
        var packets = after.Packets - before.Packets;
        Assert.InRange(grown, Payload, Payload + (packets * HeaderBytesPerPacket) + HttpHead);
    }

    [Fact]
    public async Task Counters_survive_an_agent_restart()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        Assert.Equal(Payload, await HttpProbe.GetAsync(Lab.Client, server.Endpoint, Payload));
        var before = await CountersAtLeastAsync("INPUT", Payload);

        Assert.Equal(0, await Agent.StopAsync());
        await RestartAgentAsync();
        await SyncedAsync();

        // The restarted agent reads the kernel's running count, which its restart did not reset: what it showed
        // before, plus at most the closing packets of the connection that arrived after that reading.
        var after = await Eventually.Until(
            () => CountersAsync("INPUT"),
            c => c.Bytes == MetricsPage.KernelSum(Lab.Gateway, "seen4_in"),
            Deadline,
            "the restarted agent's INPUT bytes equal to the kernel's counter");
        Assert.True(before.Bytes >= Payload);
        Assert.InRange(after.Bytes, before.Bytes, before.Bytes + (4 * HeaderBytesPerPacket));
    }

    [Fact]
    public async Task Prometheus_stores_the_legacy_names_and_the_dashboard_query_returns_the_address()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();
        await using var prometheus = PrometheusServer.Start($"{Lab.GatewayControlAddress}:9900");
        await Eventually.True(async () => (await prometheus.MetricNamesAsync()).Contains("iptables_bytes_count"), Deadline, "the first scrape stored");

        Assert.Equal(Payload, await HttpProbe.PostAsync(Lab.Client, server.Endpoint, Payload));

        var results = await Eventually.Until(
            () => prometheus.QueryAsync("sum by (ip) (increase(iptables_bytes_count{type=~\"OUTPUT\"}[2m]))"),
            r => r.Any(x => x.Labels.GetValueOrDefault("ip") == Lab.Allowed.ToString() && x.Value >= Payload),
            Deadline,
            "the dashboard query shows the upload");
        Assert.Contains(results, r => r.Labels["ip"] == Lab.Allowed.ToString());
        var names = await prometheus.MetricNamesAsync();
        Assert.Contains("iptables_bytes_count", names);
        Assert.Contains("iptables_packets_count", names);
        Assert.DoesNotContain(names, n => n.StartsWith("iptables_", StringComparison.Ordinal) && n is not ("iptables_bytes_count" or "iptables_packets_count"));
    }
}
