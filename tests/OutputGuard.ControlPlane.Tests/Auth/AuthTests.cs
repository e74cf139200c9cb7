using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Auth;

/// <summary>Only health and reflection answer without a token; every role gets exactly its calls, over gRPC and over HTTP.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class AuthTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    private ControlPlaneServer Server => fixture.Server;

    public static TheoryData<string?, StatusCode> ReadRefusals => new()
    {
        { null, StatusCode.Unauthenticated },
        { "not-a-known-token-at-all", StatusCode.Unauthenticated },
        { TestTokens.Gateway, StatusCode.PermissionDenied },
    };

    public static TheoryData<string?, StatusCode> WriteRefusals => new()
    {
        { null, StatusCode.Unauthenticated },
        { "not-a-known-token-at-all", StatusCode.Unauthenticated },
        { TestTokens.Viewer, StatusCode.PermissionDenied },
        { TestTokens.Gateway, StatusCode.PermissionDenied },
    };

    [Theory]
    [MemberData(nameof(ReadRefusals))]
    public async Task Reading_needs_a_viewer_editor_or_admin_token_over_grpc(string? token, StatusCode expected)
    {
        var client = new EntryService.EntryServiceClient(Server.Channel(token));

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ListEntriesAsync(new ListEntriesRequest()).ResponseAsync);

        Assert.Equal(expected, e.StatusCode);
    }

    [Theory]
    [MemberData(nameof(WriteRefusals))]
    public async Task Writing_needs_an_editor_or_admin_token_over_grpc_and_nothing_is_written(string? token, StatusCode expected)
    {
        var client = new EntryService.EntryServiceClient(Server.Channel(token));
        var value = $"auth-{Guid.NewGuid():N}.example.com";

        var e = await Assert.ThrowsAsync<RpcException>(() => client.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = value } }).ResponseAsync);

        Assert.Equal(expected, e.StatusCode);
        var admin = new EntryService.EntryServiceClient(Server.Channel(TestTokens.Admin));
        Assert.Empty((await admin.ListEntriesAsync(new ListEntriesRequest { Filter = "value:" + value })).Entries);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData("not-a-known-token-at-all", HttpStatusCode.Unauthorized)]
    [InlineData(TestTokens.Viewer, HttpStatusCode.Forbidden)]
    [InlineData(TestTokens.Gateway, HttpStatusCode.Forbidden)]
    public async Task Writing_over_http_is_refused_with_401_or_403(string? token, HttpStatusCode expected)
    {
        using var http = Server.Http(token);

        var response = await http.PostAsJsonAsync("/v1/entries", new { value = "http-auth.example.com" });

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData(null, HttpStatusCode.Unauthorized)]
    [InlineData(TestTokens.Gateway, HttpStatusCode.Forbidden)]
    public async Task Reading_over_http_is_refused_without_a_reader_token(string? token, HttpStatusCode expected)
    {
        using var http = Server.Http(token);

        foreach (var path in new[] { "/v1/entries", "/v1/desiredState", "/v1/gateways", "/v1/auditEvents", "/v1/traffic", "/v1/deniedDestinations" })
        {
            var response = await http.GetAsync(path);
            Assert.True(expected == response.StatusCode, $"{path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Viewer_reads_every_admin_list_over_http()
    {
        using var http = Server.Http(TestTokens.Viewer);

        foreach (var path in new[] { "/v1/entries", "/v1/desiredState", "/v1/gateways", "/v1/auditEvents", "/v1/traffic", "/v1/deniedDestinations" })
        {
            var response = await http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}");
        }
    }

    [Fact]
    public async Task Health_and_reflection_answer_without_a_token()
    {
        var health = new Health.HealthClient(Server.Channel(null));
        var reflection = new ServerReflection.ServerReflectionClient(Server.Channel(null));
        using var http = Server.Http(null);

        var status = await health.CheckAsync(new HealthCheckRequest());
        using var call = reflection.ServerReflectionInfo();
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        var healthz = await http.GetAsync("/healthz");

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, status.Status);
        Assert.Contains("outputguard.v1.EntryService", services);
        Assert.Contains("outputguard.v1.GatewaySync", services);
        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
    }

    [Fact]
    public async Task Audit_log_names_the_token_that_made_the_change()
    {
        var admin = new EntryService.EntryServiceClient(Server.Channel(TestTokens.Admin));
        var entry = await admin.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "actor.example.com" } });
        var audit = new AuditService.AuditServiceClient(Server.Channel(TestTokens.Viewer));

        var events = await audit.ListAuditEventsAsync(new ListAuditEventsRequest { Entry = entry.Name });

        Assert.Equal("ops-admin", Assert.Single(events.Events).Actor);
    }
}
