using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Validation;

/// <summary>
/// What people commonly send instead of what the API takes is refused with a message that names the field and
/// says how to write it — over HTTP/JSON, where the body and query are checked before transcoding reads them,
/// and over gRPC.
/// </summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class HelpfulMessageTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    public static TheoryData<string, string> Values => new()
    {
        { "http://example.com", "drop the scheme 'http://': use \"value\": \"example.com\"" },
        { "https://api.example.com/v1/pay", "drop the scheme 'https://' and the path: use \"value\": \"api.example.com\"" },
        { "https://api.example.com:8443/", "put the port in ports as tcp/8443" },
        { "example.com:443", "put the port in ports as tcp/443 (or udp/443): {\"value\": \"example.com\", \"ports\": [\"tcp/443\"]}" },
        { "203.0.113.5:8080", "{\"value\": \"203.0.113.5\", \"ports\": [\"tcp/8080\"]}" },
        { "[2001:db8::5]:443", "{\"value\": \"2001:db8::5\", \"ports\": [\"tcp/443\"]}" },
        { "example.com/api", "has a path ('/api'); an entry allows a whole host: use \"value\": \"example.com\"" },
        { "a.example.com,b.example.com", "create one entry for each" },
    };

    public static TheoryData<string, string> Ports => new()
    {
        { "443", "port rule '443' names no protocol: write tcp/443 (or udp/443)" },
        { "8000-8100", "write tcp/8000-8100" },
        { "tcp:443", "write tcp/443" },
        { "443/tcp", "the protocol comes first: write tcp/443" },
        { "https", "is a service name; write the protocol and port: tcp/443" },
        { "tcp/443,tcp/8443", "give one per list item: [\"tcp/443\", \"tcp/8443\"]" },
        { "any", "to allow every port, leave ports empty" },
        { "tcp", "names no port: write tcp/443, or tcp/1-65535" },
    };

    public static TheoryData<string, string> Bodies => new()
    {
        { """{"value": "api.example.com", "ports": "tcp/443"}""", "entry.ports must be a list [...], not the string \"tcp/443\": write \"ports\": [\"tcp/443\"]" },
        { """{"value": "api.example.com", "ports": "tcp/443,tcp/80"}""", "write \"ports\": [\"tcp/443\", \"tcp/80\"]" },
        { """{"value": "api.example.com", "ports": [443]}""", "entry.ports[0] must be a string, not the number 443: a port rule names its protocol, write \"tcp/443\"" },
        { """{"value": "api.example.com", "undeletable": "yes"}""", "entry.undeletable must be true or false, not the string \"yes\"" },
        { """{"valeu": "api.example.com"}""", "unknown field \"valeu\" in entry (Entry); its fields are name, value" },
        { """{"entry": {"value": "api.example.com"}}""", "the body is the entry itself" },
        { """{"value": ["a.example.com"]}""", "entry.value must be a string, not a list" },
        { """{"value": "api.example.com",""", "the body is not valid JSON" },
        { """["api.example.com"]""", "entry must be a JSON object {…} (Entry), not a list" },
    };

    public static TheoryData<string, string> Queries => new()
    {
        { "page_size=abc", "query parameter page_size must be a whole number (e.g. page_size=50), not 'abc'" },
        { "pageSize=1.5", "query parameter pageSize must be a whole number" },
        { "page_size=5&page_size=6", "query parameter page_size is given 2 times" },
        { "page_sise=5", "unknown query parameter 'page_sise' for GET /v1/entries; it takes page_size, page_token, filter" },
        { "filter=kind%3Ddomain%20OR%20kind%3Dip", "filter term 'OR': OR is not supported" },
        { "filter=kind%3Ddomain%20AND%20undeletable%3Dtrue", "terms are always ANDed: drop AND" },
        { "filter=kind:domain", "filter term 'kind:domain': write kind=domain" },
        { "filter=value%3Dexample", "filter term 'value=example': write value:example" },
        { "filter=-kind%3Dip", "negation is not supported" },
        { "filter=(kind%3Dip)", "parentheses and quotes are not supported" },
        { "filter=kind%3Ddomain,ip", "kind must be domain, ip or cidr (one kind per filter" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task Value_that_holds_a_host_is_refused_saying_how_to_write_it(string value, string hint)
    {
        var e = await RefusedOverGrpc(new Entry { Value = value });

        Assert.StartsWith($"entry.value '{value}'", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(hint, e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ports))]
    public async Task Port_rule_in_another_spelling_is_refused_saying_how_to_write_it(string rule, string hint)
    {
        var e = await RefusedOverGrpc(new Entry { Value = "api.example.com", Ports = { rule } });

        Assert.StartsWith("entry.ports: ", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(hint, e.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Malformed_json_body_is_refused_naming_the_field(string body, string hint)
    {
        using var http = fixture.Server.Http(TestTokens.Editor);

        var response = await http.PostAsync("/v1/entries", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Contains(hint, await InvalidArgumentMessage(response), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Malformed_query_is_refused_naming_the_parameter(string query, string hint)
    {
        using var http = fixture.Server.Http(TestTokens.Viewer);

        var response = await http.GetAsync($"/v1/entries?{query}");

        Assert.Contains(hint, await InvalidArgumentMessage(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_without_a_json_content_type_says_which_header_to_send()
    {
        using var http = fixture.Server.Http(TestTokens.Editor);

        var response = await http.PostAsync("/v1/entries", new StringContent("""{"value": "api.example.com"}""", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Contains("-H 'content-type: application/json'", await InvalidArgumentMessage(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/v1/entrys")]
    [InlineData("PUT", "/v1/entries")]
    public async Task Unknown_api_path_is_not_found_with_a_json_body_listing_the_methods(string method, string path)
    {
        using var http = fixture.Server.Http(TestTokens.Editor);

        var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(5, body.GetProperty("code").GetInt32());
        Assert.Contains($"no API method answers {method} {path}; the JSON API has POST /v1/entries, ", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Well_formed_requests_pass_the_checks_unchanged()
    {
        using var http = fixture.Server.Http(TestTokens.Editor);

        var created = await http.PostAsJsonAsync("/v1/entries", new { value = "fine.example.com", ports = new[] { "tcp/443" }, note = "n", undeletable = false, name = (string?)null });
        var listed = await http.GetAsync("/v1/entries?filter=kind%3Ddomain&page_size=5&pageToken=");
        var audit = await http.GetAsync("/v1/auditEvents?actor=ops-editor&start_time=2020-01-01T00:00:00Z");

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
    }

    private async Task<RpcException> RefusedOverGrpc(Entry entry)
    {
        var client = new EntryService.EntryServiceClient(fixture.Server.Channel(TestTokens.Editor));
        var e = await Assert.ThrowsAsync<RpcException>(() => client.CreateEntryAsync(new CreateEntryRequest { Entry = entry }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        return e;
    }

    private static async Task<string> InvalidArgumentMessage(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(3, body.GetProperty("code").GetInt32());
        return body.GetProperty("message").GetString()!;
    }
}
