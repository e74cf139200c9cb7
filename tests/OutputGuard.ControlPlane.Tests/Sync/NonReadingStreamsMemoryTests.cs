using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Sync;

/// <summary>
/// Memory follows the state, not the streams: sync streams that never read share one snapshot and hold at most a
/// window each, so N of them add less than N x 100 KB to the control plane's resident memory (the goal of
/// 100 MB for 1,000 streams; the benchmark measures 1,000 on 100,000 destinations). A child process, both backends.
/// </summary>
public sealed class NonReadingStreamsMemoryTests(MariaDbDatabase mariaDb, ITestOutputHelper output) : IClassFixture<MariaDbDatabase>
{
    private const int Streams = 200;
    private const int Destinations = 20_000;
    private const double BoundKilobytesPerStream = 100;
    private const string Editor = "editor-secret-0123456789";
    private const string Fleet = "fleet-secret-0123456789";

    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Streams_that_never_read_add_less_than_100_KB_each(string backend)
    {
        await using var store = await ProcessBackend.CreateAsync(backend, mariaDb.CreateDatabaseAsync);
        await using var server = await ControlPlaneProcess.StartAsync("--config", store.WriteConfig($$"""
            http_address: 127.0.0.1:0
            grpc_address: 127.0.0.1:0
            treat_as_public: ["2001:db8::/32"]
            max_streams_per_token: 1000
            stream_write_timeout_s: 600
            tokens:
              - { name: editor, role: editor, secret: "{{Editor}}" }
              - { name: fleet, role: gateway, secret: "{{Fleet}}", gateway_ids: ["mem-*"] }

            """));
        using var editorChannel = TestChannels.WithToken(server.GrpcUri, Editor);
        await StreamLoad.PopulateAsync(new EntryService.EntryServiceClient(editorChannel), Destinations);
        using var fleetChannel = TestChannels.WithToken(server.GrpcUri, Fleet, TestChannels.SmallWindow());
        var sync = new GatewaySync.GatewaySyncClient(fleetChannel);
        await StreamLoad.ReadOneSnapshotAsync(sync, "mem-reader");
        var before = await server.SettledResidentMegabytesAsync();

        var calls = await StreamLoad.OpenNonReadingAsync(sync, new GatewayService.GatewayServiceClient(editorChannel), "mem-", Streams);
        try
        {
            var with = await server.SettledResidentMegabytesAsync();

            var added = with - before;
            output.WriteLine($"{backend}: {before:0} MB before, {with:0} MB with {Streams} non-reading streams on {Destinations} destinations: {added * 1024 / Streams:0} KB each");
            Assert.True(added * 1024 < Streams * BoundKilobytesPerStream, $"{Streams} streams added {added:0.0} MB, more than {BoundKilobytesPerStream} KB each");
        }
        finally
        {
            foreach (var call in calls)
            {
                call.Dispose();
            }
        }
    }
}
