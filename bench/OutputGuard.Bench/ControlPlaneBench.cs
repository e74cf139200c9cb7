using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OutputGuard.ControlPlane.Configuration;
using OutputGuard.ControlPlane.Entries;
using OutputGuard.ControlPlane.Hosting;
using OutputGuard.ControlPlane.Store;
using OutputGuard.V1;

namespace OutputGuard.Bench;

/// <summary>
/// Adds per second through the gRPC API (against the store called directly, the baseline) and
/// revision fan-out latency to 50 connected stream clients (against 1 client, the baseline), on one backend.
/// </summary>
public sealed class ControlPlaneBench(string backend, Action<ControlPlaneOptions> configure)
{
    private const string Editor = "bench-editor-0123456789";
    private const string Gateway = "bench-gateway-0123456789";

    public async Task<List<string[]>> RunAsync(int adds, int fanOutRevisions)
    {
        var rows = new List<string[]>();
        var dir = Directory.CreateTempSubdirectory("og-bench-").FullName;
        try
        {
            var options = new ControlPlaneOptions
            {
                DataDir = dir,
                HttpAddress = "127.0.0.1:0",
                GrpcAddress = "127.0.0.1:0",
                TreatAsPublic = ["2001:db8::/32", "198.51.100.0/24"],
                Tokens =
                [
                    new TokenOptions { Name = "bench", Role = "editor", Secret = Editor },
                    new TokenOptions { Name = "gw", Role = "gateway", Secret = Gateway, GatewayIds = ["bench-*"] },
                ],
                ChangePollIntervalMs = 250,
            };
            configure(options);
            var (app, _) = await ControlPlaneHost.BuildAsync(options, configure: b => b.Logging.SetMinimumLevel(LogLevel.Error));
            await app.StartAsync();
            var uri = app.Services.GetRequiredService<Listeners>().GrpcUri;
            var store = app.Services.GetRequiredService<IControlPlaneStore>();
            var validator = app.Services.GetRequiredService<EntryValidator>();

            var baseline = await StoreAdds(store, validator, adds, prefix: 1);
            var grpc1 = await GrpcAdds(uri, adds, clients: 1, prefix: 2);
            var grpc8 = await GrpcAdds(uri, adds, clients: 8, prefix: 3);
            rows.Add(Row(backend, "adds/s, store directly (baseline)", baseline, baseline));
            rows.Add(Row(backend, "adds/s, gRPC, 1 client", grpc1, baseline));
            rows.Add(Row(backend, "adds/s, gRPC, 8 clients", grpc8, baseline));

            var one = await FanOut(uri, clients: 1, fanOutRevisions, prefix: 4);
            var fifty = await FanOut(uri, clients: 50, fanOutRevisions, prefix: 5);
            rows.Add(Row(backend, "fan-out p50 ms, 1 client (baseline)", one.P50, one.P50));
            rows.Add(Row(backend, "fan-out p50 ms, 50 clients", fifty.P50, one.P50));
            rows.Add(Row(backend, "fan-out p99 ms, 50 clients", fifty.P99, one.P99));
            rows.Add(Row(backend, "fan-out max ms, 50 clients", fifty.Max, one.Max));
            await app.StopAsync();
            await app.DisposeAsync();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }

        return rows;
    }

    private static string[] Row(string backend, string what, double value, double baseline) =>
    [backend, what, value.ToString("0.0", CultureInfo.InvariantCulture), (value / baseline).ToString("0.00", CultureInfo.InvariantCulture)];

    private static async Task<double> StoreAdds(IControlPlaneStore store, EntryValidator validator, int count, int prefix)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            validator.TryValidate(Address(prefix, i), [], null, false, out var entry, out _);
            await store.CreateEntryAsync(entry, "bench", CancellationToken.None);
        }

        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> GrpcAdds(Uri uri, int count, int clients, int prefix)
    {
        using var channel = Channel(uri, Editor);
        var client = new EntryService.EntryServiceClient(channel);
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await client.CreateEntryAsync(new CreateEntryRequest { Entry = new OutputGuard.V1.Entry { Value = Address(prefix, i) } });
            }
        })));
        return count / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(double P50, double P99, double Max)> FanOut(Uri uri, int clients, int revisions, int prefix)
    {
        using var editorChannel = Channel(uri, Editor);
        var editor = new EntryService.EntryServiceClient(editorChannel);
        var channels = Enumerable.Range(0, clients).Select(_ => Channel(uri, Gateway)).ToList();
        var states = new DesiredStateService.DesiredStateServiceClient(editorChannel);
        var calls = new List<AsyncDuplexStreamingCall<GatewayMessage, ControlMessage>>();
        var latencies = new List<double>();
        try
        {
            var revision = 0L;
            foreach (var (channel, n) in channels.Select((c, n) => (c, n)))
            {
                var call = new GatewaySync.GatewaySyncClient(channel).Sync();
                // Announce the current revision so that only live deltas follow.
                revision = await CurrentRevision(uri);
                await call.RequestStream.WriteAsync(new GatewayMessage { Hello = new Hello { GatewayId = $"bench-{prefix}-{n}", AppliedRevision = revision } });
                calls.Add(call);
            }

            for (var r = 0; r < revisions; r++)
            {
                var sent = Stopwatch.GetTimestamp();
                await editor.CreateEntryAsync(new CreateEntryRequest { Entry = new OutputGuard.V1.Entry { Value = Address(prefix, r) } });
                var target = await CurrentRevision(uri);
                var waits = calls.Select(async call =>
                {
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                        var message = call.ResponseStream.Current;
                        var got = message.KindCase == ControlMessage.KindOneofCase.Delta ? message.Delta.Revision : message.Snapshot.Revision;
                        if (got >= target)
                        {
                            return Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                        }
                    }

                    throw new InvalidOperationException("stream ended");
                });
                latencies.AddRange(await Task.WhenAll(waits));
            }
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }

            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }

        latencies.Sort();
        return (latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)], latencies[^1]);

        async Task<long> CurrentRevision(Uri u) => (await states.GetDesiredStateAsync(new GetDesiredStateRequest { PageSize = 1 })).Revision;
    }

    private static string Address(int prefix, int i) =>
        string.Create(CultureInfo.InvariantCulture, $"2001:db8:{prefix:x}:{i / 65536:x}::{i % 65536:x}");

    private static GrpcChannel Channel(Uri uri, string token) => GrpcChannel.ForAddress(uri, new GrpcChannelOptions
    {
        Credentials = ChannelCredentials.Create(ChannelCredentials.Insecure, CallCredentials.FromInterceptor((_, m) =>
        {
            m.Add("authorization", $"Bearer {token}");
            return Task.CompletedTask;
        })),
        UnsafeUseInsecureChannelCallCredentials = true,
    });
}
