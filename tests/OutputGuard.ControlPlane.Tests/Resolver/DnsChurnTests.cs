using System.Diagnostics;
using Grpc.Core;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>
/// The resolver against a real dnsmasq whose records the test rewrites, on the real clock with a short
/// interval: answers reach the desired state and connected gateways; CNAMEs, internal answers, the cap.
/// </summary>
public sealed class DnsChurnTests(ITestOutputHelper output) : IAsyncLifetime
{
    private Dnsmasq _dns = null!;
    private ResolverServer _server = null!;

    public async Task InitializeAsync()
    {
        _dns = await Dnsmasq.StartAsync(
            [("web", "203.0.113.10"), ("t", "203.0.113.30"), ("p", "10.1.2.3"), ("p", "203.0.113.50"),
             .. Enumerable.Range(60, 10).Select(i => ("many", $"203.0.113.{i}"))],
            [("c1", "c2"), ("c2", "t")]);
        _server = await ResolverServer.StartAsync([_dns.NameServer], configure: o =>
        {
            o.ResolverIntervalSeconds = 2;
            o.ResolverTtlFloorSeconds = 1;
            o.ResolverMaxAddresses = 4;
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task New_A_and_AAAA_records_reach_a_connected_stream_as_one_new_revision()
    {
        var name = await _server.AllowAsync(_dns.Name("web"), "tcp/443");
        await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 1, TimeSpan.FromSeconds(10), "web resolved");
        var first = await _server.Store.GetRevisionAsync(CancellationToken.None);
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-dns", appliedRevision: first, storeId: await _server.Store.GetStoreIdAsync(CancellationToken.None));

        await _dns.SetRecordsAsync([("web", "203.0.113.10"), ("web", "203.0.113.11"), ("web", "2001:db8::11")]);
        var delta = await NextDeltaAddingAsync(gateway, "203.0.113.11/32", TimeSpan.FromSeconds(10));
        var latency = DateTime.UtcNow - _dns.LastReloadUtc;
        output.WriteLine($"DNS record change (SIGHUP) to delta on the stream: {latency.TotalMilliseconds:0} ms (interval 2 s, TTL 1 s, floor 1 s)");

        Assert.Equal(first + 1, delta.Revision);
        Assert.Equal(["2001:db8::11/128 tcp/443", "203.0.113.11/32 tcp/443"], delta.Add.Select(Text).Order(StringComparer.Ordinal));
        Assert.Empty(delta.Remove);
        var state = await _server.State.GetDesiredStateAsync(new GetDesiredStateRequest());
        Assert.Equal(delta.Revision, state.Revision);
        Assert.Contains("2001:db8::11/128", state.Destinations.Select(d => d.Prefix));
        Assert.Equal(
            ["2001:db8::11 Live", "203.0.113.10 Live", "203.0.113.11 Live"],
            await _server.AddressesAsync(name));
    }

    [Fact]
    public async Task Cname_chain_is_followed_to_the_addresses()
    {
        var name = await _server.AllowAsync(_dns.Name("c1"));

        var addresses = await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count > 0, TimeSpan.FromSeconds(10), "c1 resolved");

        Assert.Equal(["203.0.113.30 Live"], addresses);
        Assert.Contains("203.0.113.30/32", await _server.DesiredPrefixesAsync());
    }

    [Fact]
    public async Task Private_answer_is_skipped_and_reported_on_the_entry()
    {
        var name = await _server.AllowAsync(_dns.Name("p"));

        var entry = await Eventually.Until(() => _server.GetAsync(name), e => e.Resolution?.LastAttemptTime is not null, TimeSpan.FromSeconds(10), "p resolved");

        Assert.Equal(["203.0.113.50"], entry.ResolvedAddresses.Select(a => a.Address));
        Assert.Equal(["10.1.2.3"], entry.Resolution.SkippedInternal);
        Assert.DoesNotContain("10.1.2.3/32", await _server.DesiredPrefixesAsync());
    }

    [Fact]
    public async Task Per_domain_cap_holds_and_the_excess_is_reported()
    {
        var name = await _server.AllowAsync(_dns.Name("many"));

        var entry = await Eventually.Until(() => _server.GetAsync(name), e => e.Resolution?.LastAttemptTime is not null, TimeSpan.FromSeconds(10), "many resolved");
        var again = await _server.ResolveAsync(name);

        Assert.Equal(["203.0.113.60", "203.0.113.61", "203.0.113.62", "203.0.113.63"], entry.ResolvedAddresses.Select(a => a.Address));
        Assert.Equal(6, entry.Resolution.ExcessCount);
        Assert.Equal(6, again.Entry.Resolution.ExcessCount);
        Assert.False(again.RevisionChanged);
        var desired = await _server.DesiredPrefixesAsync();
        Assert.Equal(4, desired.Count(p => p.StartsWith("203.0.113.6", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Resolve_entry_over_json_returns_what_changed()
    {
        var name = await _server.AllowAsync(_dns.Name("web"));
        await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 1, TimeSpan.FromSeconds(10), "web resolved");
        await _dns.SetRecordsAsync([("web", "203.0.113.10"), ("web", "203.0.113.12")]);
        using var http = new HttpClient { BaseAddress = _server.HttpUri };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Editor);

        var json = await Eventually.Until(
            async () =>
            {
                using var response = await http.PostAsync(new Uri($"v1/{name}:resolve", UriKind.Relative), new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
                response.EnsureSuccessStatusCode();
                return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            },
            r => r.GetProperty("entry").GetProperty("resolvedAddresses").GetArrayLength() == 2,
            TimeSpan.FromSeconds(10),
            "ResolveEntry over JSON saw the new address");

        Assert.Contains(
            "203.0.113.12",
            json.GetProperty("entry").GetProperty("resolvedAddresses").EnumerateArray().Select(a => a.GetProperty("address").GetString()));
        Assert.Equal("RESOLVED_ADDRESS_STATE_LIVE", json.GetProperty("entry").GetProperty("resolvedAddresses")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task Wildcard_entry_is_listed_but_not_resolved_and_says_so()
    {
        var name = await _server.AllowAsync("*." + _dns.Domain);

        var entry = await _server.GetAsync(name);
        var resolve = await Assert.ThrowsAsync<RpcException>(() => _server.ResolveAsync(name));

        Assert.True(entry.Resolution.WildcardNotResolved);
        Assert.Contains("wildcard", entry.Resolution.Note, StringComparison.Ordinal);
        Assert.Empty(entry.ResolvedAddresses);
        Assert.Equal(StatusCode.FailedPrecondition, resolve.StatusCode);
    }

    [Fact]
    public async Task Refused_answer_is_a_failed_lookup_shown_on_the_entry()
    {
        var name = await _server.AllowAsync("api.outside-" + _dns.Domain.Replace(".test", ".example", StringComparison.Ordinal));

        var entry = await Eventually.Until(() => _server.GetAsync(name), e => e.Resolution?.LastAttemptTime is not null, TimeSpan.FromSeconds(10), "looked up");

        Assert.Contains("REFUSED", entry.Resolution.LastError, StringComparison.Ordinal);
        Assert.True(entry.Resolution.ConsecutiveFailures >= 1);
        Assert.Empty(entry.ResolvedAddresses);
    }

    [Fact]
    public async Task Resolving_an_ip_entry_is_a_failed_precondition()
    {
        var name = await _server.AllowAsync("203.0.113.99");

        var e = await Assert.ThrowsAsync<RpcException>(() => _server.ResolveAsync(name));

        Assert.Equal(StatusCode.FailedPrecondition, e.StatusCode);
    }

    private static string Text(Destination d) =>
        d.Protocol == L4Protocol.Any ? d.Prefix : $"{d.Prefix} {d.Protocol.ToString().ToLowerInvariant()}/{d.PortFrom}";

    private static async Task<Delta> NextDeltaAddingAsync(SyncClient gateway, string prefix, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var left = timeout - clock.Elapsed;
            var message = await gateway.NextAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (message.KindCase == ControlMessage.KindOneofCase.Delta && message.Delta.Add.Any(d => d.Prefix == prefix))
            {
                return message.Delta;
            }
        }
    }
}
