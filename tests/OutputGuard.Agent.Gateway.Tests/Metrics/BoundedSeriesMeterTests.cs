using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OutputGuard.Agent.Gateway.Configuration;
using OutputGuard.Agent.Gateway.Enforcement;
using OutputGuard.Agent.Gateway.Metrics;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Netlink.Nftables;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;

namespace OutputGuard.Agent.Gateway.Tests.Metrics;

/// <summary>
/// The bounded series' meter made anew after a renewal without waiting for the next counter reading (at a million
/// hosts with traffic a reading takes a minute): the kernel's seen sets of a lab gateway, given counter values by nft;
/// the real reader; a <see cref="MeterListener"/> in the exporter's place, each <c>RecordObservableInstruments</c> one
/// collection.
/// </summary>
public sealed class BoundedSeriesMeterTests : IDisposable
{
    private readonly Lab _lab = new();
    private readonly string _hostname = "meter-test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<string, long> _exported = new(StringComparer.Ordinal);

    public void Dispose() => _lab.Dispose();

    private static string Host(int i) => string.Create(CultureInfo.InvariantCulture, $"203.0.113.{50 + i}");

    /// <summary>Gives <paramref name="hosts"/> a seen-set element in both directions with <paramref name="bytes"/> each.</summary>
    private void Count(IEnumerable<int> hosts, int bytes)
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(path, hosts.SelectMany(i => new[] { "seen4", "seen4_in" }.Select(set =>
                string.Create(CultureInfo.InvariantCulture, $"add element inet outputguard {set} {{ {Host(i)} counter packets 1 bytes {bytes} }}"))));
            Tool.In(_lab.Gateway, "nft", "-f", path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>One collection: the bounded series exported now, by ip label.</summary>
    private Dictionary<string, long> Collect(MeterListener listener)
    {
        _exported.Clear();
        listener.RecordObservableInstruments();
        return new(_exported, StringComparer.Ordinal);
    }

    [Fact]
    public async Task Renewed_series_come_back_after_two_collections_without_another_reading()
    {
        using (var enforcer = new AllowListEnforcer(NftConnection.OpenIn(_lab.Gateway), LabSettings, NullLogger.Instance))
        {
            enforcer.Start();
            enforcer.Apply(AllowList.Of(1, [.. Enumerable.Range(0, 30).Select(i => D(Host(i) + "/32"))]));
        }

        var options = new GatewayOptions { MetricsDestinations = 3, Hostname = _hostname };
        using var reader = new KernelCounterReader(NftConnection.OpenIn(_lab.Gateway), 100, NullLogger.Instance);
        using var meter = new BoundedSeriesMeter(reader, options);
        var series = new CounterSeries(3, TimeSpan.Zero);
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == GatewayMetrics.MeterName && instrument.Name is "iptables_bytes_count" or "outputguard_series_renewals")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? ip = null, host = null;
            foreach (var t in tags)
            {
                (ip, host) = t.Key switch { "ip" => (t.Value as string, host), "hostname" => (ip, t.Value as string), _ => (ip, host) };
            }

            if (instrument.Name == "iptables_bytes_count" && host == _hostname && ip is not null)
            {
                _exported.AddOrUpdate(ip, value, (_, v) => v + value);
            }
        });
        listener.Start();

        // Each round three more hosts are the busiest: six more keys (two directions) than the meter reported, until
        // the keys since it was made outgrow what one metric may hold (2 × (3 + 1) + 16) and it is made anew.
        var round = 0;
        while (meter.Renewals == 0)
        {
            Assert.True(round < 10, "no renewal after ten choices");
            var busiest = Enumerable.Range(3 * round, 3).ToList();
            Count(busiest, (round + 1) * 10_000);
            reader.Refresh(series.Choose);
            if (meter.Renewals == 0)
            {
                Assert.True(busiest.All(i => Collect(listener).ContainsKey(Host(i))), $"round {round}: its busiest exported");
            }

            round++;
        }

        // The renewal went with the last reading: its busiest are out of the next collections, then back, with no reading between.
        var last = Enumerable.Range(3 * (round - 1), 3).Select(Host).ToList();
        Assert.DoesNotContain(last[0], Collect(listener).Keys);
        var deadline = Stopwatch.StartNew();
        Dictionary<string, long> exported;
        while (!last.All((exported = Collect(listener)).ContainsKey))
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), $"the renewed series did not come back without a reading ({string.Join(", ", exported.Keys)})");
            await Task.Delay(20);
        }

        Assert.Equal(4, exported.Count);
        Assert.Contains(BusiestSeries.Other, exported.Keys);
    }
}
