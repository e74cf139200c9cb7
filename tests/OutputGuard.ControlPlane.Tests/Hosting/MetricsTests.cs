using System.Net;
using System.Text.RegularExpressions;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Hosting;

/// <summary>/metrics on the HTTP port: Prometheus text, for reader tokens only.</summary>
[Trait(Tier.Name, Tier.Fast)]
public sealed class MetricsTests(SqliteServerFixture fixture) : IClassFixture<SqliteServerFixture>
{
    [Fact]
    public async Task Metrics_show_the_published_revision_and_gateway_streams_to_a_reader()
    {
        var entries = new EntryService.EntryServiceClient(fixture.Server.Channel(TestTokens.Editor));
        await entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "203.0.113.77" } });
        var revision = (await fixture.Server.Store.GetDesiredStateAsync(CancellationToken.None)).Revision;
        await using var gateway = await SyncClient.ConnectAsync(fixture.Server.Channel(TestTokens.Gateway), "gw-metrics", revision, storeId: await fixture.Server.Store.GetStoreIdAsync(CancellationToken.None));
        using var http = fixture.Server.Http(TestTokens.Viewer);

        var text = await Eventually.Until(
            () => http.GetStringAsync("/metrics"),
            t => Regex.IsMatch(t, $@"^outputguard_revision(\{{\}})? {revision}$", RegexOptions.Multiline)
                && Regex.IsMatch(t, @"^outputguard_gateway_streams(\{\})? 1$", RegexOptions.Multiline),
            TimeSpan.FromSeconds(10), "the revision and the stream in /metrics");

        Assert.Contains("# TYPE outputguard_revision gauge", text, StringComparison.Ordinal);
        Assert.DoesNotContain("otel_scope_name", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_need_a_token()
    {
        using var anonymous = fixture.Server.Http(null);
        using var gateway = fixture.Server.Http(TestTokens.Gateway);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await gateway.GetAsync("/metrics")).StatusCode);
    }
}
