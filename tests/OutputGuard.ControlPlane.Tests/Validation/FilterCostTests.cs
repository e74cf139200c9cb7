using System.Diagnostics;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Validation;

/// <summary>
/// What a viewer's filter costs the server: its CPU time (the control plane's, and on MariaDB the database server's
/// too when it runs here) grows no faster than the filter's size, and a call given up by its client stops its query.
/// A real control plane in a child process, on SQLite and on MariaDB; run alone (<see cref="CpuMeasuringCollection"/>).
/// </summary>
[Collection(CpuMeasuringCollection.Name)]
public sealed class FilterCostTests(MariaDbDatabase mariaDb, ITestOutputHelper output) : IClassFixture<MariaDbDatabase>
{
    private const string Config = """
        http_address: 127.0.0.1:0
        grpc_address: 127.0.0.1:0
        tokens:
          - { name: viewer, role: viewer, secret: "viewer-secret-0123456789" }

        """;

    private const string Viewer = "viewer-secret-0123456789";

    public static TheoryData<string> Backends => new() { "sqlite", "mariadb" };

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Server_cpu_time_grows_no_faster_than_the_filter_size(string backend)
    {
        await using var store = await ProcessBackend.CreateAsync(backend, mariaDb.CreateDatabaseAsync);
        await using var server = await ControlPlaneProcess.StartAsync("--config", store.WriteConfig(Config));
        await FillAsync(store, rows: 2_000);
        using var channel = TestChannels.WithToken(server.GrpcUri, Viewer);
        var entries = new EntryService.EntryServiceClient(channel);
        await entries.ListEntriesAsync(new ListEntriesRequest { Filter = Filter(1), PageSize = 1000 });
        using var database = await store.DatabaseServerProcessAsync();
        TimeSpan Cpu()
        {
            database?.Refresh();
            return server.CpuTime() + (database?.TotalProcessorTime ?? TimeSpan.Zero);
        }

        // 4 to 32 words of 60 characters (256 to 2,048 characters). Every row's note holds all words but the
        // filter's last, so each word makes every row be searched once more.
        var perCall = new Dictionary<int, double>();
        foreach (var words in new[] { 4, 32, 4, 32, 4, 32 })
        {
            var calls = 96 / words;
            var cpu = Cpu();
            for (var i = 0; i < calls; i++)
            {
                Assert.Empty((await entries.ListEntriesAsync(new ListEntriesRequest { Filter = Filter(words), PageSize = 1000 })).Entries);
            }

            var spent = (Cpu() - cpu).TotalMilliseconds / calls;
            perCall[words] = perCall.TryGetValue(words, out var earlier) ? Math.Min(earlier, spent) : spent;
        }

        var growth = perCall[32] / Math.Max(perCall[4], 1);
        output.WriteLine($"{backend}{(database is null ? string.Empty : " (with mariadbd)")}: {perCall[4]:0.0} ms CPU per call with 4 words, {perCall[32]:0.0} ms with 32 words: x{growth:0.00} for x8 the size");
        // Linear is x8, quadratic x64. The MariaDB server is the whole run's, so its CPU includes other test classes'
        // queries in the same window (a loaded CI run measured x12.6): the margin is for them, and still far from x64.
        Assert.True(growth <= 8 * 2, $"server CPU grew x{growth:0.00} for a filter 8 times as long: worse than linear");
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task A_list_its_client_gave_up_on_stops_its_query(string backend)
    {
        await using var store = await ProcessBackend.CreateAsync(backend, mariaDb.CreateDatabaseAsync);
        // The runtime recompiles hot methods on a background thread during the first minute (tiered compilation):
        // one to two seconds of CPU that would show as work of whatever call runs then. Compiled once, up front,
        // the CPU the process spends after the client gives up is the query's alone.
        await using var server = await ControlPlaneProcess.StartAsync(
            new Dictionary<string, string> { ["DOTNET_TieredCompilation"] = "0" }, "--config", store.WriteConfig(Config));
        await FillAsync(store, rows: 8_000);
        using var channel = TestChannels.WithToken(server.GrpcUri, Viewer);
        var entries = new EntryService.EntryServiceClient(channel);
        var full = Stopwatch.StartNew();
        await entries.ListEntriesAsync(new ListEntriesRequest { Filter = Filter(32), PageSize = 1000 });
        full.Stop();

        // The baseline, in the same run: what the server spends in as long a window with no call at all (its
        // background loops: the resolver, the change feed, the traffic writer).
        var idleFrom = server.CpuTime();
        await Task.Delay(full.Elapsed);
        var idle = (server.CpuTime() - idleFrom).TotalMilliseconds;

        var given = await Assert.ThrowsAsync<RpcException>(() => entries.ListEntriesAsync(
            new ListEntriesRequest { Filter = Filter(32), PageSize = 1000 }, deadline: DateTime.UtcNow.AddMilliseconds(100)).ResponseAsync);
        var cpuAfter = server.CpuTime();
        var watch = Stopwatch.StartNew();
        if (store.DatabaseName is { } database)
        {
            await Eventually.True(
                async () => (await store.QueryAsync<long>(
                    "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = @database AND ID <> CONNECTION_ID() AND INFO LIKE '%ESCAPE%'",
                    new { database }))[0] == 0,
                TimeSpan.FromSeconds(5),
                "the cancelled query gone from the MariaDB process list");
        }
        else
        {
            await Task.Delay(full.Elapsed);
        }

        var busy = (server.CpuTime() - cpuAfter).TotalMilliseconds;
        output.WriteLine($"{backend}: a whole call takes {full.ElapsedMilliseconds} ms; {busy:0} ms CPU in the {watch.ElapsedMilliseconds} ms after giving up; {idle:0} ms in as long a window with no call");
        Assert.Equal(StatusCode.DeadlineExceeded, given.StatusCode);
        Assert.True(full.ElapsedMilliseconds > 300, $"a whole call took only {full.ElapsedMilliseconds} ms: too short to show anything");
        // The background's share of the window after the cancel, at the rate the idle window showed.
        var background = idle * watch.ElapsedMilliseconds / Math.Max(full.ElapsedMilliseconds, 1);
        Assert.True(busy - background < full.ElapsedMilliseconds * 0.5, $"the server spent {busy:0} ms CPU after the client gave up on a {full.ElapsedMilliseconds} ms query ({background:0} ms of it its background's, at the idle rate)");
    }

    /// <summary>A filter of <paramref name="words"/> words: every row holds all of them but the last, which no row holds.</summary>
    private static string Filter(int words) => string.Join(' ', Enumerable.Range(0, words - 1).Select(Word).Append("nowhere" + new string('z', 53)));

    private static string Word(int w) => $"q{w:00}" + new string((char)('a' + (w % 26)), 57);

    private static async Task FillAsync(ProcessBackend store, int rows)
    {
        var note = string.Join(' ', Enumerable.Range(0, 31).Select(Word));
        await store.ExecuteAsync(
            "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at) VALUES (@Value, 1, '', @Note, 0, 'test', 0)",
            Enumerable.Range(0, rows).Select(i => new { Value = $"host-{i}.example.com", Note = note }).ToList());
    }
}
