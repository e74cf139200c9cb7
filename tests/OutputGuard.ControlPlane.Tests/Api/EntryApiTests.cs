using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Api;

/// <summary>The entry API over gRPC and over the JSON transcoding of the same service, on SQLite.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class EntryApiTests : IAsyncLifetime
{
    private ControlPlaneServer _server = null!;
    private EntryService.EntryServiceClient _entries = null!;
    private DesiredStateService.DesiredStateServiceClient _state = null!;

    public async Task InitializeAsync()
    {
        _server = await ControlPlaneServer.StartAsync();
        _entries = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Editor));
        _state = new DesiredStateService.DesiredStateServiceClient(_server.Channel(TestTokens.Viewer));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Created_ip_entry_is_published_in_the_desired_state_with_a_new_revision()
    {
        var before = await _state.GetDesiredStateAsync(new GetDesiredStateRequest());

        var created = await _entries.CreateEntryAsync(new CreateEntryRequest
        {
            Entry = new Entry { Value = "203.0.113.7", Ports = { "tcp/443" }, Note = "payments API" },
        });

        Assert.Equal(EntryKind.Ip, created.Kind);
        Assert.Equal("203.0.113.7", created.Value);
        Assert.Equal("ops-editor", created.CreateUser);
        Assert.StartsWith("entries/", created.Name, StringComparison.Ordinal);
        var after = await _state.GetDesiredStateAsync(new GetDesiredStateRequest());
        Assert.Equal(before.Revision + 1, after.Revision);
        var destination = Assert.Single(after.Destinations);
        Assert.Equal("203.0.113.7/32", destination.Prefix);
        Assert.Equal(L4Protocol.Tcp, destination.Protocol);
        Assert.Equal(443u, destination.PortFrom);
        Assert.Equal(443u, destination.PortTo);
    }

    [Fact]
    public async Task Domain_is_normalised_so_spellings_of_one_name_are_one_entry()
    {
        var first = await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "Api.Example.COM." } });
        var second = await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "api.example.com" } });

        Assert.Equal("api.example.com", first.Value);
        Assert.Equal(EntryKind.Domain, first.Kind);
        Assert.Equal(first.Name, second.Name);
    }

    [Fact]
    public async Task Same_value_with_other_ports_is_already_exists_naming_the_existing_entry()
    {
        var first = await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "198.51.100.0/24", Ports = { "udp/53" } } });

        var e = await Assert.ThrowsAsync<RpcException>(() => _entries.CreateEntryAsync(new CreateEntryRequest
        {
            Entry = new Entry { Value = "198.51.100.0/24", Ports = { "tcp/443" } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Contains(first.Name, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undeletable_entry_cannot_be_deleted_over_grpc_or_http()
    {
        var admin = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Admin));
        var entry = await admin.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "192.0.2.10", Undeletable = true } });
        var revision = (await _state.GetDesiredStateAsync(new GetDesiredStateRequest())).Revision;

        var grpc = await Assert.ThrowsAsync<RpcException>(() => admin.DeleteEntryAsync(new DeleteEntryRequest { Name = entry.Name }).ResponseAsync);
        using var http = _server.Http(TestTokens.Admin);
        var response = await http.DeleteAsync($"/v1/{entry.Name}");

        Assert.Equal(StatusCode.FailedPrecondition, grpc.StatusCode);
        Assert.Contains("undeletable", grpc.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("undeletable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(entry, await admin.GetEntryAsync(new GetEntryRequest { Name = entry.Name }));
        Assert.Equal(revision, (await _state.GetDesiredStateAsync(new GetDesiredStateRequest())).Revision);
    }

    [Fact]
    public async Task Undeletable_entry_needs_the_admin_role()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _entries.CreateEntryAsync(new CreateEntryRequest
        {
            Entry = new Entry { Value = "192.0.2.11", Undeletable = true },
        }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Empty((await _entries.ListEntriesAsync(new ListEntriesRequest { Filter = "value:192.0.2.11" })).Entries);
    }

    [Fact]
    public async Task Deleting_an_entry_removes_its_destinations_with_a_new_revision()
    {
        var entry = await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "2001:db8:1::/48" } });
        var withIt = await _state.GetDesiredStateAsync(new GetDesiredStateRequest());

        await _entries.DeleteEntryAsync(new DeleteEntryRequest { Name = entry.Name });

        var without = await _state.GetDesiredStateAsync(new GetDesiredStateRequest());
        Assert.Contains(withIt.Destinations, d => d.Prefix == "2001:db8:1::/48");
        Assert.DoesNotContain(without.Destinations, d => d.Prefix == "2001:db8:1::/48");
        Assert.Equal(withIt.Revision + 1, without.Revision);
        var missing = await Assert.ThrowsAsync<RpcException>(() => _entries.GetEntryAsync(new GetEntryRequest { Name = entry.Name }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task List_pages_through_every_entry_once_and_filters_by_kind()
    {
        for (var i = 1; i <= 7; i++)
        {
            await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = $"198.51.100.{i}" } });
        }

        await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "svc.example.org" } });
        var seen = new List<string>();
        var token = string.Empty;
        do
        {
            var page = await _entries.ListEntriesAsync(new ListEntriesRequest { PageSize = 3, PageToken = token, Filter = "kind=ip" });
            Assert.True(page.Entries.Count <= 3);
            seen.AddRange(page.Entries.Select(e => e.Value));
            token = page.NextPageToken;
        }
        while (token.Length > 0);

        Assert.Equal(Enumerable.Range(1, 7).Select(i => $"198.51.100.{i}"), seen);
    }

    [Fact]
    public async Task Json_api_creates_gets_and_lists_like_grpc()
    {
        using var http = _server.Http(TestTokens.Editor);

        var post = await http.PostAsJsonAsync("/v1/entries", new { value = "cdn.example.net", ports = new[] { "tcp/443", "TCP/80" }, note = "via curl" });
        var created = await post.Content.ReadFromJsonAsync<JsonElement>();
        var name = created.GetProperty("name").GetString();
        var get = await http.GetFromJsonAsync<JsonElement>($"/v1/{name}");
        var list = await http.GetFromJsonAsync<JsonElement>("/v1/entries?filter=kind%3Ddomain");

        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        Assert.Equal("cdn.example.net", get.GetProperty("value").GetString());
        Assert.Equal(["tcp/80", "tcp/443"], get.GetProperty("ports").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains(list.GetProperty("entries").EnumerateArray(), e => e.GetProperty("name").GetString() == name);
    }

    [Fact]
    public async Task Json_api_answers_bad_input_with_400_and_a_message_that_names_the_problem()
    {
        using var http = _server.Http(TestTokens.Editor);

        var response = await http.PostAsJsonAsync("/v1/entries", new { value = "10.1" });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("10.0.0.0/8", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_log_records_actor_and_before_after_and_filters_by_entry()
    {
        var audit = new AuditService.AuditServiceClient(_server.Channel(TestTokens.Viewer));
        var entry = await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.50" } });
        await _entries.DeleteEntryAsync(new DeleteEntryRequest { Name = entry.Name });

        var events = (await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Entry = entry.Name })).Events;
        var byOther = (await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Actor = "ops-admin" })).Events;

        Assert.Equal(["entry.delete", "entry.create"], events.Select(e => e.Action));
        Assert.All(events, e => Assert.Equal("ops-editor", e.Actor));
        Assert.Contains("203.0.113.50", events[1].After, StringComparison.Ordinal);
        Assert.Contains("203.0.113.50", events[0].Before, StringComparison.Ordinal);
        Assert.DoesNotContain(byOther, e => e.Entry == entry.Name);
    }
}
