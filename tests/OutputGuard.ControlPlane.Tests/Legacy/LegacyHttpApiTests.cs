using System.Net;
using System.Text.Json;
using OutputGuard.ControlPlane.Resolver;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Legacy;

/// <summary>The replaced system's HTTP API: its exact shapes, its sources and tokens, the same rules as the gRPC API.</summary>
public sealed class LegacyHttpApiTests(LegacyServerFixture fixture) : IClassFixture<LegacyServerFixture>
{
    private ControlPlaneServer Server => fixture.Server;

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}.example.com";

    [Fact]
    public async Task Ping_answers_pong_to_an_allowed_source_without_a_token()
    {
        var (status, body) = await GetAsync(fixture.Client(LegacyServerFixture.Allowed), "/ping");

        Assert.Equal((HttpStatusCode.OK, """{"message":"pong"}"""), (status, body));
    }

    [Theory]
    [InlineData("/ping")]
    [InlineData("/show-all")]
    [InlineData("/api?add=refused.example.com")]
    [InlineData("/api?del=refused.example.com")]
    public async Task A_refused_source_without_a_token_gets_the_old_failure_shape_with_401(string path)
    {
        var (status, body) = await GetAsync(fixture.Client(LegacyServerFixture.Refused), path);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(
            """{"info":"127.0.0.2 may not call the legacy API without a token: send \"authorization: Bearer <token>\", or add its range to legacy_api.allow_from","status":"failed"}""",
            body);
        Assert.Null(await Server.Store.FindEntryByValueAsync("refused.example.com", default));
    }

    [Fact]
    public async Task A_refused_source_with_a_token_is_authenticated_as_usual_and_audited_as_legacy_at_its_address()
    {
        var value = Unique("token");

        var (status, body) = await GetAsync(fixture.Client(LegacyServerFixture.Refused, TestTokens.Editor), $"/api?add={value}");

        Assert.Equal((HttpStatusCode.OK, $$"""{"info":"{{value}}","status":"success"}"""), (status, body));
        var entry = await Server.Store.FindEntryByValueAsync(value, default);
        Assert.Equal("legacy@127.0.0.2", entry!.CreatedBy);
        var audit = await new AuditService.AuditServiceClient(Server.Channel(TestTokens.Admin))
            .ListAuditEventsAsync(new ListAuditEventsRequest { Entry = entry.Name });
        Assert.Equal("legacy@127.0.0.2", Assert.Single(audit.Events).Actor);
    }

    [Fact]
    public async Task An_unknown_token_is_refused_even_from_an_allowed_source()
    {
        var (status, body) = await GetAsync(fixture.Client(LegacyServerFixture.Allowed, "not-a-known-token-at-all"), "/ping");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("failed", JsonDocument.Parse(body).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Add_and_del_of_a_domain_answer_the_old_success_shape_and_change_the_allow_list()
    {
        var client = fixture.Client(LegacyServerFixture.Allowed);
        var value = Unique("add");
        var before = await Server.Store.GetRevisionAsync(default);

        var added = await GetAsync(client, $"/api?add={value.ToUpperInvariant()}");
        var entry = await Server.Store.FindEntryByValueAsync(value, default);
        var deleted = await GetAsync(client, $"/api?del={value}");

        Assert.Equal((HttpStatusCode.OK, $$"""{"info":"{{value}}","status":"success"}"""), added);
        Assert.Equal("legacy@127.0.0.1", entry!.CreatedBy);
        Assert.Equal((HttpStatusCode.OK, $$"""{"info":"{{value}}","status":"success"}"""), deleted);
        Assert.Null(await Server.Store.FindEntryByValueAsync(value, default));
        Assert.Equal(before, await Server.Store.GetRevisionAsync(default));
    }

    [Fact]
    public async Task Add_of_an_address_and_a_CIDR_makes_revisions_and_del_of_an_unknown_value_fails()
    {
        var client = fixture.Client(LegacyServerFixture.Allowed);
        var before = await Server.Store.GetRevisionAsync(default);

        var ip = await GetAsync(client, "/api?add=203.0.113.51");
        var cidr = await GetAsync(client, "/api?add=198.51.100.64/27");
        var unknown = await GetAsync(client, "/api?del=203.0.113.52");

        Assert.Equal((HttpStatusCode.OK, """{"info":"203.0.113.51","status":"success"}"""), ip);
        Assert.Equal((HttpStatusCode.OK, """{"info":"198.51.100.64/27","status":"success"}"""), cidr);
        Assert.Equal((HttpStatusCode.BadRequest, """{"info":"'203.0.113.52' is not in the allow-list","status":"failed"}"""), unknown);
        Assert.Equal(before + 2, await Server.Store.GetRevisionAsync(default));
    }

    [Fact]
    public async Task An_internal_address_is_refused_with_the_new_message_in_the_old_failure_shape()
    {
        var (status, body) = await GetAsync(fixture.Client(LegacyServerFixture.Allowed), "/api?add=10.1.2.3");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal(["info", "status"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("failed", json.GetProperty("status").GetString());
        Assert.Equal("'10.1.2.3' is in 10.0.0.0/8, private-use (RFC 1918): internal addresses cannot be allowed", json.GetProperty("info").GetString());
    }

    [Fact]
    public async Task NonDeletable_needs_admin_and_an_undeletable_delete_answers_the_old_failure()
    {
        var editor = fixture.Client(LegacyServerFixture.Allowed);
        var admin = fixture.Client(LegacyServerFixture.Allowed, TestTokens.Admin);

        var refused = await GetAsync(editor, "/api?add=203.0.113.61&nonDeletable=true");
        var created = await GetAsync(admin, "/api?add=203.0.113.61&nonDeletable=true");
        var delete = await GetAsync(admin, "/api?del=203.0.113.61");

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("admin", JsonDocument.Parse(refused.Body).RootElement.GetProperty("info").GetString(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, """{"info":"203.0.113.61","status":"success"}"""), created);
        Assert.Equal((HttpStatusCode.BadRequest, """{"info":"203.0.113.61 不可删除","status":"failed"}"""), delete);
        Assert.True((await Server.Store.FindEntryByValueAsync("203.0.113.61/32", default))!.Undeletable);
    }

    [Fact]
    public async Task A_viewer_token_may_show_all_but_not_add()
    {
        var viewer = fixture.Client(LegacyServerFixture.Refused, TestTokens.Viewer);

        var shown = await GetAsync(viewer, "/show-all");
        var add = await GetAsync(viewer, "/api?add=203.0.113.71");

        Assert.Equal(HttpStatusCode.OK, shown.Status);
        Assert.Equal((HttpStatusCode.Forbidden, """{"info":"role viewer may not change the allow-list; needs editor or admin","status":"failed"}"""), add);
    }

    [Theory]
    [InlineData("/api", "give add=X (a domain, an IPv4 address or a CIDR) or del=X")]
    [InlineData("/api?add=a.example.com&del=b.example.com", "give exactly one add= or del=")]
    [InlineData("/api?add=a.example.com&nonDeletable=yes", "nonDeletable is true or false, and only with add=")]
    [InlineData("/api?remove=a.example.com", "unknown parameter 'remove': /api takes add=X[&nonDeletable=true] or del=X")]
    public async Task A_malformed_call_is_a_failed_400_naming_the_problem(string path, string info)
    {
        var (status, body) = await GetAsync(fixture.Client(LegacyServerFixture.Allowed), path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(info, JsonDocument.Parse(body).RootElement.GetProperty("info").GetString());
    }

    [Fact]
    public async Task Show_all_lists_one_record_per_resolved_address_in_the_old_shape()
    {
        var client = fixture.Client(LegacyServerFixture.Allowed);
        var domain = Unique("show");
        await GetAsync(client, $"/api?add={domain}");
        await GetAsync(client, "/api?add=203.0.113.81");
        var entry = await Server.Store.FindEntryByValueAsync(domain, default);
        await Server.Store.ApplyResolutionAsync(
            entry!.Id,
            new LookupResult(LookupOutcome.Answered, [new AnsweredAddress(IPAddress.Parse("203.0.113.82"), 60), new AnsweredAddress(IPAddress.Parse("203.0.113.83"), 60)], [], string.Empty, []),
            new ResolutionPolicy(TimeSpan.FromMinutes(5), 100, "test"),
            default);

        var (status, body) = await GetAsync(client, "/show-all");

        Assert.Equal(HttpStatusCode.OK, status);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(["Records"], root.EnumerateObject().Select(p => p.Name));
        var records = root.GetProperty("Records").EnumerateArray().ToList();
        Assert.All(records, r => Assert.Equal(["ID", "Types", "IP", "Name", "IsNoDel", "IsLocalNet", "CreatedAt"], r.EnumerateObject().Select(p => p.Name)));
        var ofDomain = records.Where(r => r.GetProperty("Name").GetString() == domain).ToList();
        Assert.Equal(["203.0.113.82", "203.0.113.83"], ofDomain.Select(r => r.GetProperty("IP").GetString()).Order());
        Assert.All(ofDomain, r => Assert.Equal(("Domain", entry.Id, false, false), (r.GetProperty("Types").GetString(), r.GetProperty("ID").GetInt64(), r.GetProperty("IsNoDel").GetBoolean(), r.GetProperty("IsLocalNet").GetBoolean())));
        var ip = Assert.Single(records, r => r.GetProperty("IP").GetString() == "203.0.113.81");
        Assert.Equal(("IP", string.Empty), (ip.GetProperty("Types").GetString(), ip.GetProperty("Name").GetString()));
        Assert.True(DateTimeOffset.TryParse(ip.GetProperty("CreatedAt").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var createdAt));
        Assert.InRange(createdAt, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Every_accepted_call_is_audited_as_legacy_at_the_client_address()
    {
        await GetAsync(fixture.Client(LegacyServerFixture.Allowed), "/ping");
        await GetAsync(fixture.Client(LegacyServerFixture.Allowed), "/api?add=172.16.0.1");

        var audit = await new AuditService.AuditServiceClient(Server.Channel(TestTokens.Admin))
            .ListAuditEventsAsync(new ListAuditEventsRequest { Actor = "legacy@127.0.0.1", PageSize = 100 });

        Assert.Contains(audit.Events, e => e.Action == "legacy.ping");
        Assert.Contains(audit.Events, e => e.Action == "legacy.api.refused" && e.After.Contains("172.16.0.1", StringComparison.Ordinal));
    }
}
