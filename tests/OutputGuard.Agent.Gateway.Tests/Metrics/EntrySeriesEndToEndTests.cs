using System.Net;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

/// <summary>The real agent's per-entry series for a CIDR entry (the DNS proxy's entries: LearnedTrafficEndToEndTests).</summary>
public sealed class EntrySeriesEndToEndTests : GatewayLab
{
    private static readonly IPAddress SecondNetHost = IPAddress.Parse("198.51.100.21");

    [Fact]
    public async Task Entry_series_of_a_CIDR_sums_every_address_in_it()
    {
        Tool.In(Lab.Internet, "ip", "addr", "add", $"{SecondNetHost}/32", "dev", "lo");
        var first = Lab.Serve(Lab.NetHost, 80);
        var second = Lab.Serve(SecondNetHost, 80);
        var single = Lab.Serve(Lab.Allowed, 80);
        await ControlPlane.AllowAsync("198.51.100.0/24");
        await ControlPlane.AllowAsync(Lab.Allowed.ToString());
        await SyncedAsync();

        Assert.Equal(100_000, await HttpProbe.GetAsync(Lab.Client, first.Endpoint, 100_000));
        Assert.Equal(200_000, await HttpProbe.GetAsync(Lab.Client, second.Endpoint, 200_000));
        Assert.Equal(50_000, await HttpProbe.GetAsync(Lab.Client, single.Endpoint, 50_000));

        var text = await Eventually.Until(
            Agent.MetricsAsync,
            t => MetricsPage.Value(t, "outputguard_entry_bytes", "entry", "198.51.100.0/24", "INPUT") == MetricsPage.KernelSum(Lab.Gateway, "nets4_in")
                && MetricsPage.Value(t, "outputguard_entry_bytes", "entry", Lab.Allowed.ToString(), "INPUT") >= 50_000,
            TimeSpan.FromSeconds(30),
            "the CIDR entry's series holds both downloads");
        Assert.InRange(MetricsPage.Value(text, "outputguard_entry_bytes", "entry", "198.51.100.0/24", "INPUT")!.Value, 300_000, 320_000);
        Assert.InRange(MetricsPage.Value(text, "outputguard_entry_bytes", "entry", Lab.Allowed.ToString(), "INPUT")!.Value, 50_000, 60_000);
        Assert.True(MetricsPage.Value(text, "outputguard_entry_packets", "entry", "198.51.100.0/24", "OUTPUT") > 0);
        Assert.Equal(0, MetricsPage.Value(text, "outputguard_entry_bytes", "entry", "other", "INPUT"));
    }
}
