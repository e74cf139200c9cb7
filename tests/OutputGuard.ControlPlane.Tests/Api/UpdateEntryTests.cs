using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Api;

/// <summary>
/// UpdateEntry (<c>PATCH /v1/entries/{id}</c> with a field mask): ports and note change in place, under the same
/// name, in one revision that connected gateways receive as one delta; value and undeletable never change.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class UpdateEntryTests : IAsyncLifetime
{
    private ControlPlaneServer _server = null!;
    private EntryService.EntryServiceClient _entries = null!;

    public async Task InitializeAsync()
    {
        _server = await ControlPlaneServer.StartAsync();
        _entries = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Editor));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task New_port_rules_reach_a_connected_gateway_as_one_delta_under_the_same_name()
    {
        var entry = await CreateAsync("203.0.113.30", "tcp/443");
        var revision = await _server.Store.GetRevisionAsync(CancellationToken.None);
        await using var gateway = await SyncClient.ConnectAsync(
            _server.Channel(TestTokens.Gateway), "gw-update", appliedRevision: revision, storeId: await _server.Store.GetStoreIdAsync(CancellationToken.None));

        var updated = await _entries.UpdateEntryAsync(new UpdateEntryRequest
        {
            Entry = new Entry { Name = entry.Name, Ports = { "tcp/443-444", "tcp/8443" } },
            UpdateMask = FieldMask.FromString("ports"),
        });
        var delta = (await gateway.NextAsync()).Delta;

        Assert.Equal((entry.Name, entry.Value), (updated.Name, updated.Value));
        Assert.Equal(["tcp/443-444", "tcp/8443"], updated.Ports);
        Assert.Equal(revision + 1, delta.Revision);
        Assert.Equal(["203.0.113.30/32 443-444", "203.0.113.30/32 8443-8443"], delta.Add.Select(Text).Order(StringComparer.Ordinal));
        Assert.Equal(["203.0.113.30/32 443-443"], delta.Remove.Select(Text));
        Assert.Equal(revision + 1, await _server.Store.GetRevisionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_mask_the_fields_that_are_set_change_and_the_rest_stays()
    {
        var entry = await CreateAsync("203.0.113.31", "tcp/443");

        var noted = await _entries.UpdateEntryAsync(new UpdateEntryRequest { Entry = new Entry { Name = entry.Name, Note = "payments" } });
        var roundTrip = await _entries.UpdateEntryAsync(new UpdateEntryRequest { Entry = noted.Clone() });

        Assert.Equal(["tcp/443"], noted.Ports);
        Assert.Equal("payments", noted.Note);
        Assert.Equal(noted.Ports, roundTrip.Ports);
    }

    [Fact]
    public async Task Ports_are_cleared_only_when_the_mask_names_them()
    {
        var entry = await CreateAsync("203.0.113.32", "tcp/443");

        var cleared = await _entries.UpdateEntryAsync(new UpdateEntryRequest { Entry = new Entry { Name = entry.Name }, UpdateMask = FieldMask.FromString("ports") });
        var state = await new DesiredStateService.DesiredStateServiceClient(_server.Channel(TestTokens.Viewer)).GetDesiredStateAsync(new GetDesiredStateRequest());

        Assert.Empty(cleared.Ports);
        Assert.Contains(state.Destinations, d => d.Prefix == "203.0.113.32/32" && d.Protocol == L4Protocol.Any);
    }

    [Theory]
    [InlineData("value", "value cannot change")]
    [InlineData("undeletable", "undeletable is set at creation only")]
    [InlineData("create_time", "create_time is output only")]
    [InlineData("portz", "unknown field 'portz'; the fields that can change are ports and note")]
    public async Task Mask_naming_a_field_that_cannot_change_is_refused(string path, string message)
    {
        var entry = await CreateAsync("203.0.113.33", "tcp/443");

        var e = await Assert.ThrowsAsync<RpcException>(() => _entries.UpdateEntryAsync(new UpdateEntryRequest
        {
            Entry = new Entry { Name = entry.Name, Value = "203.0.113.34", Undeletable = true },
            UpdateMask = FieldMask.FromString(path),
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(message, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_value_in_the_body_is_refused_even_without_a_mask()
    {
        var entry = await CreateAsync("203.0.113.35", "tcp/443");

        var e = await Assert.ThrowsAsync<RpcException>(() => _entries.UpdateEntryAsync(new UpdateEntryRequest
        {
            Entry = new Entry { Name = entry.Name, Value = "203.0.113.36", Ports = { "tcp/80" } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("entry.value cannot change ('203.0.113.35/32' stays)", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Undeletable_entry_keeps_its_ports()
    {
        var admin = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Admin));
        var entry = await admin.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.37", Ports = { "tcp/443" }, Undeletable = true } });

        var e = await Assert.ThrowsAsync<RpcException>(() => admin.UpdateEntryAsync(new UpdateEntryRequest
        {
            Entry = new Entry { Name = entry.Name, Ports = { "tcp/80" } },
        }).ResponseAsync);
        var noted = await admin.UpdateEntryAsync(new UpdateEntryRequest { Entry = new Entry { Name = entry.Name, Note = "kept" } });

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
        Assert.Contains("is undeletable: its ports cannot change", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("kept", noted.Note);
    }

    [Theory]
    [InlineData("entries/999999", StatusCode.NotFound, "entries/999999 does not exist")]
    [InlineData("999", StatusCode.InvalidArgument, "entry.name '999' is not an entry name like entries/42")]
    public async Task Unknown_or_malformed_name_is_refused(string name, StatusCode code, string message)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => _entries.UpdateEntryAsync(new UpdateEntryRequest { Entry = new Entry { Name = name, Note = "x" } }).ResponseAsync);

        Assert.Equal((code, message), (e.StatusCode, e.Status.Detail));
    }

    [Fact]
    public async Task Bad_port_rule_in_an_update_names_the_fix_and_changes_nothing()
    {
        var entry = await CreateAsync("203.0.113.38", "tcp/443");

        var e = await Assert.ThrowsAsync<RpcException>(() => _entries.UpdateEntryAsync(new UpdateEntryRequest
        {
            Entry = new Entry { Name = entry.Name, Ports = { "8443" } },
        }).ResponseAsync);

        Assert.Contains("write tcp/8443", e.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(["tcp/443"], (await _entries.GetEntryAsync(new GetEntryRequest { Name = entry.Name })).Ports);
    }

    [Fact]
    public async Task Patch_over_http_with_an_update_mask_changes_the_entry()
    {
        var entry = await CreateAsync("203.0.113.39", "tcp/443");
        using var http = _server.Http(TestTokens.Editor);

        var response = await http.PatchAsync(
            $"/v1/{entry.Name}?update_mask=ports,note",
            new StringContent("""{"ports": ["tcp/443", "tcp/8443"], "note": "via curl"}""", Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var audit = await new AuditService.AuditServiceClient(_server.Channel(TestTokens.Viewer)).ListAuditEventsAsync(new ListAuditEventsRequest { Entry = entry.Name });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["tcp/443", "tcp/8443"], body.GetProperty("ports").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal("via curl", body.GetProperty("note").GetString());
        Assert.Equal(["entry.update", "entry.create"], audit.Events.Select(a => a.Action));
        Assert.Equal("ops-editor", audit.Events[0].Actor);
    }

    [Fact]
    public async Task Viewer_may_not_update()
    {
        var entry = await CreateAsync("203.0.113.40", "tcp/443");
        var viewer = new EntryService.EntryServiceClient(_server.Channel(TestTokens.Viewer));

        var e = await Assert.ThrowsAsync<RpcException>(() => viewer.UpdateEntryAsync(new UpdateEntryRequest { Entry = new Entry { Name = entry.Name, Note = "x" } }).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Contains("may not call EntryService/UpdateEntry; needs editor or admin", e.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<Entry> CreateAsync(string value, params string[] ports) =>
        await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value, Ports = { ports } } });

    private static string Text(Destination d) => $"{d.Prefix} {d.PortFrom}-{d.PortTo}";
}
