using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using OutputGuard.ControlPlane.Learning;
using OutputGuard.ControlPlane.Store.Sqlite;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Learning;

/// <summary>
/// What the domain rules cost an idle control plane: at every change-poll interval one read of the store's entries
/// version, and a read of the domain entries only when that moved (an entry made, changed in a way a rule shows, or
/// deleted, through the API or with plain SQL by another writer). The real control plane on a real SQLite store.
/// </summary>
public sealed class DomainRuleReadTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private ControlPlaneServer _server = null!;
    private EntryService.EntryServiceClient _entries = null!;
    private DomainRuleSource _source = null!;

    public async Task InitializeAsync()
    {
        _server = await ControlPlaneServer.StartAsync();
        _entries = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Editor));
        _source = _server.App.Services.GetRequiredService<DomainRuleSource>();
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unchanged_domain_entries_are_not_read_again_however_many_polls_pass()
    {
        var created = await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "api.example.com", Ports = { "tcp/443" } } });
        await Eventually.True(() => RulePatterns().Contains("api.example.com"), Deadline, "api.example.com among the domain rules");
        var reads = _source.Reads;
        var checks = _source.Checks;

        await Eventually.True(() => _source.Checks >= checks + 10, Deadline, "ten more polls of the entries version");
        var readsWhileIdle = _source.Reads;
        await _entries.UpdateEntryAsync(new UpdateEntryRequest
        {
            Entry = new Entry { Name = created.Name, Note = "a note is no part of a rule" },
            UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "note" } },
        });
        var afterNote = _source.Checks;
        await Eventually.True(() => _source.Checks >= afterNote + 3, Deadline, "three polls after the note changed");
        var readsAfterNote = _source.Reads;

        Assert.Equal(reads, readsWhileIdle);
        Assert.Equal(reads, readsAfterNote);
    }

    [Fact]
    public async Task A_domain_entry_written_with_plain_sql_by_another_writer_is_read_at_the_next_poll()
    {
        await Eventually.True(() => _source.Current.Version > 0, Deadline, "the first read of the domain rules");
        var reads = _source.Reads;
        var path = ((SqliteControlPlaneStore)_server.Store).DatabasePath;

        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path }.ToString()))
        {
            await connection.ExecuteAsync(
                "INSERT INTO entries (value, kind, ports, note, undeletable, created_by, created_at) VALUES ('import.example.com', 1, '', '', 0, 'sql', 0)");
        }

        await Eventually.True(() => RulePatterns().Contains("import.example.com"), Deadline, "import.example.com among the domain rules");
        Assert.Equal(reads + 1, _source.Reads);
    }

    private List<string> RulePatterns() => _source.Current.Rules.Rules.Select(r => r.Pattern).ToList();
}
