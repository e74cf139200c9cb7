using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Bench;

/// <summary>
/// Entry changes while gateways flood the control plane with traffic reports: CreateEntry latency with no
/// reports (the baseline) and while N gateways send 20,000-destination reports back to back, in a child process.
/// </summary>
public static partial class ReportFloodBench
{
    private const int DestinationsPerReport = 20_000;

    /// <summary>Rows of (backend, load, creates, p50, p99, max, reports sent, written, coalesced).</summary>
    public static async Task<List<string[]>> RunAsync(string backendName, int gateways, TimeSpan duration)
    {
        await using var backend = await BenchStores.CreateAsync(backendName);
        await using var child = await ControlPlaneProcess.StartAsync(StreamMemoryBench.Quiet, "--config", backend.WriteConfig(StreamMemoryBench.Yaml));
        var rows = new List<string[]>();
        var baseline = await MeasureCreatesAsync(child, duration, prefix: 1);
        rows.Add(Row(backendName, "no reports (baseline)", baseline, 0, await CountersAsync(child)));

        using var flood = new CancellationTokenSource();
        var sent = 0L;
        var senders = Enumerable.Range(0, gateways).Select(g => Task.Run(() => FloodAsync(child, g, () => Interlocked.Increment(ref sent), flood.Token))).ToList();
        var loaded = await MeasureCreatesAsync(child, duration, prefix: 2);
        await flood.CancelAsync();
        await Task.WhenAll(senders);
        rows.Add(Row(backendName, $"{gateways} gateways flooding", loaded, Interlocked.Read(ref sent), await CountersAsync(child)));

        return rows;
    }

    private static string[] Row(string backend, string load, List<double> latencies, long sent, (long Written, long Coalesced) counters)
    {
        latencies.Sort();
        string Ms(double v) => v.ToString("0.0", CultureInfo.InvariantCulture);
        return
        [
            backend, load, latencies.Count.ToString(CultureInfo.InvariantCulture), Ms(latencies[latencies.Count / 2]),
            Ms(latencies[Math.Min(latencies.Count - 1, (int)(latencies.Count * 0.99))]), Ms(latencies[^1]),
            sent.ToString(CultureInfo.InvariantCulture), counters.Written.ToString(CultureInfo.InvariantCulture),
            counters.Coalesced.ToString(CultureInfo.InvariantCulture),
        ];
    }

    /// <summary>Creates entries one after another for <paramref name="duration"/>; returns each call's latency in ms.</summary>
    private static async Task<List<double>> MeasureCreatesAsync(ControlPlaneProcess child, TimeSpan duration, int prefix)
    {
        using var channel = TestChannels.WithToken(child.GrpcUri, StreamMemoryBench.Editor);
        var client = new EntryService.EntryServiceClient(channel);
        var latencies = new List<double>();
        var watch = Stopwatch.StartNew();
        for (var i = 0; watch.Elapsed < duration; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await client.CreateEntryAsync(new CreateEntryRequest
            {
                Entry = new Entry { Value = string.Create(CultureInfo.InvariantCulture, $"2001:db8:f{prefix:x}:{i / 65536:x}:{i % 65536:x}::/80") },
            });
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            await Task.Delay(10);
        }

        return latencies;
    }

    /// <summary>One gateway: reads what it is sent, and sends reports with growing counters back to back until cancelled.</summary>
    private static async Task FloodAsync(ControlPlaneProcess child, int gateway, Action onSent, CancellationToken cancellationToken)
    {
        using var channel = TestChannels.WithToken(child.GrpcUri, StreamMemoryBench.Fleet);
        using var call = new GatewaySync.GatewaySyncClient(channel).Sync(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(
            new GatewayMessage { Hello = new Hello { GatewayId = string.Create(CultureInfo.InvariantCulture, $"bench-flood-{gateway}") } }, CancellationToken.None);
        var reader = Task.Run(
            async () =>
        {
            try
            {
                while (await call.ResponseStream.MoveNext(cancellationToken))
                {
                }
            }
            catch (Exception e) when (e is RpcException or OperationCanceledException)
            {
            }
        },
            CancellationToken.None);
        var report = new TrafficReport();
        for (var i = 0; i < DestinationsPerReport; i++)
        {
            report.Destinations.Add(new DestinationTraffic
            {
                Destination = new Destination { Prefix = string.Create(CultureInfo.InvariantCulture, $"2001:db8:e{gateway:x}:{i / 65536:x}:{i % 65536:x}::/80") },
            });
        }

        try
        {
            for (ulong round = 1; !cancellationToken.IsCancellationRequested; round++)
            {
                report.Time = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
                foreach (var d in report.Destinations)
                {
                    d.OutputBytes = d.InputBytes = round * 1_000;
                    d.OutputPackets = d.InputPackets = round;
                }

                await call.RequestStream.WriteAsync(new GatewayMessage { Traffic = report }, cancellationToken);
                onSent();
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or InvalidOperationException)
        {
        }

        await reader;
    }

    /// <summary>The control plane's own count of reports written and coalesced, from /metrics.</summary>
    private static async Task<(long Written, long Coalesced)> CountersAsync(ControlPlaneProcess child)
    {
        using var http = new HttpClient { BaseAddress = child.HttpUri };
        http.DefaultRequestHeaders.Authorization = new("Bearer", StreamMemoryBench.Editor);
        var text = await http.GetStringAsync("/metrics");
        long Value(string name) => CounterLine().Matches(text).Where(m => m.Groups[1].Value == name).Select(m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)).FirstOrDefault();
        return (Value("outputguard_traffic_reports_written"), Value("outputguard_traffic_reports_coalesced"));
    }

    [GeneratedRegex(@"^(\w+?)(?:_total)?(?:\{\})? (\d+)", RegexOptions.Multiline)]
    private static partial Regex CounterLine();
}
