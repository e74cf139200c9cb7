using System.Globalization;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.Bench;

/// <summary>
/// What sync streams that never read cost the control plane: its resident memory with N such streams open on a
/// desired state of D destinations, against the same process before the streams (each N in a fresh process).
/// </summary>
public static class StreamMemoryBench
{
    public const string Editor = "bench-editor-0123456789";
    public const string Fleet = "bench-fleet-0123456789";

    /// <summary>As in production: no log line per request.</summary>
    public static IReadOnlyDictionary<string, string> Quiet { get; } = new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning" };

    /// <summary>The configuration (after the store keys) of a control plane for stream benchmarks.</summary>
    public const string Yaml = $$"""
        http_address: 127.0.0.1:0
        grpc_address: 127.0.0.1:0
        treat_as_public: ["2001:db8::/32"]
        max_streams_per_token: 5000
        stream_write_timeout_s: 3600
        tokens:
          - { name: bench-editor, role: editor, secret: "{{Editor}}" }
          - { name: bench-fleet, role: gateway, secret: "{{Fleet}}", gateway_ids: ["bench-*"] }

        """;

    /// <summary>Rows of (backend, streams, destinations, RSS before MB, RSS with streams MB, added MB, added KB per stream).</summary>
    public static async Task<List<string[]>> RunAsync(string backendName, int destinations, IReadOnlyList<int> streamCounts)
    {
        var rows = new List<string[]>();
        foreach (var streams in streamCounts)
        {
            await using var backend = await BenchStores.CreateAsync(backendName);
            await using var child = await ControlPlaneProcess.StartAsync(Quiet, "--config", backend.WriteConfig(Yaml));
            using var editor = TestChannels.WithToken(child.GrpcUri, Editor);
            using var fleet = TestChannels.WithToken(child.GrpcUri, Fleet, TestChannels.SmallWindow());
            var sync = new GatewaySync.GatewaySyncClient(fleet);
            await StreamLoad.PopulateAsync(new EntryService.EntryServiceClient(editor), destinations);
            await StreamLoad.ReadOneSnapshotAsync(sync, "bench-reader");
            var before = await child.SettledResidentMegabytesAsync();
            var calls = await StreamLoad.OpenNonReadingAsync(sync, new GatewayService.GatewayServiceClient(editor), "bench-", streams);
            var with = await child.SettledResidentMegabytesAsync();
            foreach (var call in calls)
            {
                call.Dispose();
            }

            var added = with - before;
            rows.Add([
                backendName,
                streams.ToString(CultureInfo.InvariantCulture),
                destinations.ToString(CultureInfo.InvariantCulture),
                before.ToString("0", CultureInfo.InvariantCulture),
                with.ToString("0", CultureInfo.InvariantCulture),
                added.ToString("0.0", CultureInfo.InvariantCulture),
                streams == 0 ? "-" : (added * 1024 / streams).ToString("0", CultureInfo.InvariantCulture),
            ]);
        }

        return rows;
    }
}
