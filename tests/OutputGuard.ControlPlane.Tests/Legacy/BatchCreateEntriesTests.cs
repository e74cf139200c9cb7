using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Legacy;

/// <summary>BatchCreateEntries: one transaction, at most one revision; all-or-nothing or per-item results; bounded.</summary>
public sealed class BatchCreateEntriesTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private ControlPlaneServer Server => fixture.Server;

    private EntryService.EntryServiceClient Client(string token = TestTokens.Editor) => new(Server.Channel(token));

    private static Entry Item(string value, bool undeletable = false) => new() { Value = value, Undeletable = undeletable };

    [Fact]
    public async Task A_batch_of_addresses_makes_exactly_one_revision()
    {
        var before = await Server.Store.GetRevisionAsync(default);
        var request = new BatchCreateEntriesRequest { AllOrNothing = true };
        request.Entries.Add([Item("203.0.113.101"), Item("203.0.113.102"), Item("198.51.100.128/28"), Item($"b1-{Guid.NewGuid():N}.example.com")]);

        var response = await Client().BatchCreateEntriesAsync(request);

        Assert.Equal(before + 1, response.Revision);
        Assert.Equal(before + 1, await Server.Store.GetRevisionAsync(default));
        Assert.All(response.Results, r => Assert.True(r.Created && r.Code == 0 && r.Entry.Name.StartsWith("entries/", StringComparison.Ordinal)));
        Assert.Equal(["203.0.113.101", "203.0.113.102", "198.51.100.128/28"], response.Results.Take(3).Select(r => r.Entry.Value));
        var changes = await Server.Store.GetChangesAsync(before, 10, default);
        Assert.Equal(3, Assert.Single(changes!).Added.Count);
    }

    [Fact]
    public async Task All_or_nothing_refuses_the_whole_batch_naming_the_item_and_writes_nothing()
    {
        var before = await Server.Store.GetRevisionAsync(default);
        var fresh = $"b2-{Guid.NewGuid():N}.example.com";
        var request = new BatchCreateEntriesRequest { AllOrNothing = true };
        request.Entries.Add([Item("203.0.113.111"), Item(fresh), Item("10.1.2.3")]);

        var e = await Assert.ThrowsAsync<RpcException>(() => Client().BatchCreateEntriesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("entries[2]: ", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("nothing of the batch was written", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(before, await Server.Store.GetRevisionAsync(default));
        Assert.Null(await Server.Store.FindEntryByValueAsync(fresh, default));
    }

    [Fact]
    public async Task All_or_nothing_refuses_a_conflict_with_a_stored_entry_and_writes_nothing()
    {
        var value = $"b3-{Guid.NewGuid():N}.example.com";
        await Client().CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value, Ports = { "tcp/443" } } });
        var other = $"b3-{Guid.NewGuid():N}.example.com";
        var request = new BatchCreateEntriesRequest { AllOrNothing = true };
        request.Entries.Add([Item(other), Item(value)]);

        var e = await Assert.ThrowsAsync<RpcException>(() => Client().BatchCreateEntriesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.StartsWith("entries[1]: entries/", e.Status.Detail, StringComparison.Ordinal);
        Assert.Null(await Server.Store.FindEntryByValueAsync(other, default));
    }

    [Fact]
    public async Task Per_item_results_create_what_is_valid_and_report_each_refusal()
    {
        var before = await Server.Store.GetRevisionAsync(default);
        var existing = (await Client().CreateEntryAsync(new CreateEntryRequest { Entry = Item("203.0.113.121") })).Name;
        var request = new BatchCreateEntriesRequest { AllOrNothing = false };
        request.Entries.Add([Item("203.0.113.122"), Item("192.168.1.1"), Item("203.0.113.121"), Item("203.0.113.123", undeletable: true), Item("203.0.113.122")]);

        var response = await Client(TestTokens.Editor).BatchCreateEntriesAsync(request);

        var r = response.Results;
        Assert.Equal(5, r.Count);
        Assert.True(r[0].Created);
        Assert.Equal(((int)StatusCode.InvalidArgument, false), (r[1].Code, r[1].Created));
        Assert.StartsWith("entries[1]: ", r[1].Error, StringComparison.Ordinal);
        Assert.Null(r[1].Entry);
        Assert.Equal((0, false, existing), (r[2].Code, r[2].Created, r[2].Entry.Name));
        Assert.Equal((int)StatusCode.PermissionDenied, r[3].Code);
        Assert.Equal((0, false, r[0].Entry.Name), (r[4].Code, r[4].Created, r[4].Entry.Name));
        Assert.Equal(before + 2, response.Revision);
    }

    [Fact]
    public async Task A_batch_larger_than_the_limit_is_refused_before_anything_is_validated()
    {
        var request = new BatchCreateEntriesRequest();
        request.Entries.Add(Enumerable.Range(0, ControlPlane.Api.InputLimits.MaxBatchEntries + 1).Select(i => Item("10.0.0.1")));

        var e = await Assert.ThrowsAsync<RpcException>(() => Client().BatchCreateEntriesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal($"entries holds {ControlPlane.Api.InputLimits.MaxBatchEntries + 1} entries; at most {ControlPlane.Api.InputLimits.MaxBatchEntries} are accepted in one batch (split it)", e.Status.Detail);
    }

    [Fact]
    public async Task A_viewer_may_not_create_a_batch()
    {
        var request = new BatchCreateEntriesRequest();
        request.Entries.Add(Item("203.0.113.131"));

        var e = await Assert.ThrowsAsync<RpcException>(() => Client(TestTokens.Viewer).BatchCreateEntriesAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
    }

    [Fact]
    public async Task The_JSON_API_creates_a_batch_and_maps_a_refusal_to_a_JSON_error()
    {
        using var http = Server.Http(TestTokens.Editor);

        using var ok = await http.PostAsJsonAsync("/v1/entries:batchCreate", new { entries = new[] { new { value = "203.0.113.141" } }, allOrNothing = true });
        using var refused = await http.PostAsJsonAsync("/v1/entries:batchCreate", new { entries = new[] { new { value = "127.0.0.1" } }, allOrNothing = true });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = await ok.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("203.0.113.141", body.GetProperty("results")[0].GetProperty("entry").GetProperty("value").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, error.GetProperty("code").GetInt32());
        Assert.StartsWith("entries[0]: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
