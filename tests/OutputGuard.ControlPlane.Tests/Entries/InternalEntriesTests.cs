using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Entries;

/// <summary>An IP or CIDR entry that the configured internal ranges came to cover is suppressed, and comes back with the configuration.</summary>
public sealed class InternalEntriesTests : IDisposable
{
    private static readonly string[] Lab = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"];
    private readonly string _dataDir = Directory.CreateTempSubdirectory("og-cp-internal-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Entry_turned_internal_is_suppressed_with_its_range_left_out_of_the_desired_state_and_restored_when_the_configuration_changes_back()
    {
        string name;
        long created;
        await using (var first = await Start(Lab))
        {
            var entry = await Entries(first).CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.7", Ports = { "tcp/443" } } });
            name = entry.Name;
            created = (await State(first)).Revision;
            Assert.Equal(EntryState.Active, entry.State);
        }

        await using (var narrowed = await Start(["192.0.2.0/24", "198.51.100.0/24", "2001:db8::/32"]))
        {
            var entry = await Entries(narrowed).GetEntryAsync(new GetEntryRequest { Name = name });
            var state = await State(narrowed);
            var audit = await new AuditService.AuditServiceClient(narrowed.Channel(TestTokens.Admin))
                .ListAuditEventsAsync(new ListAuditEventsRequest { Actor = "system" });

            Assert.Equal((EntryState.SuppressedInternal, "203.0.113.0/24"), (entry.State, entry.SuppressedBy));
            Assert.Equal(created + 1, state.Revision);
            Assert.Empty(state.Destinations);
            var row = Assert.Single(audit.Events, e => e.Action == "entry.suppress");
            Assert.Equal((name, created + 1), (row.Entry, row.Revision));
        }

        await using (var back = await Start(Lab))
        {
            var entry = await Entries(back).GetEntryAsync(new GetEntryRequest { Name = name });
            var state = await State(back);

            Assert.Equal((EntryState.Active, string.Empty), (entry.State, entry.SuppressedBy));
            Assert.Equal(created + 2, state.Revision);
            Assert.Equal("203.0.113.7/32", Assert.Single(state.Destinations).Prefix);
        }
    }

    private Task<ControlPlaneServer> Start(string[] treatAsPublic) => ControlPlaneServer.StartAsync(o =>
    {
        o.DataDir = _dataDir;
        o.TreatAsPublic = [.. treatAsPublic];
    });

    private static EntryService.EntryServiceClient Entries(ControlPlaneServer server) => new(server.Channel(TestTokens.Editor));

    private static async Task<DesiredState> State(ControlPlaneServer server) =>
        await new DesiredStateService.DesiredStateServiceClient(server.Channel(TestTokens.Viewer)).GetDesiredStateAsync(new GetDesiredStateRequest());
}
