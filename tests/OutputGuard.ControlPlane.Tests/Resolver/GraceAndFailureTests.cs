using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.ControlPlane.Tests.Store;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>
/// Grace periods and failed lookups with a fake clock (an hour passes at once) against a real dnsmasq,
/// the test's own SERVFAIL/silent relay in front of it, and the real store.
/// </summary>
public sealed class GraceAndFailureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private Dnsmasq _dns = null!;
    private DnsRelay _relay = null!;
    private ResolverServer _server = null!;

    public async Task InitializeAsync()
    {
        _dns = await Dnsmasq.StartAsync([("v", "203.0.113.20"), ("v", "203.0.113.21"), ("s", "203.0.113.40")]);
        _relay = new DnsRelay(_dns.Endpoint);
        _server = await ResolverServer.StartAsync([_relay.NameServer], _clock, o => o.ResolverGracePeriodSeconds = 3600);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _relay.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task Vanished_address_leaves_after_the_grace_period_and_not_before()
    {
        var name = await _server.AllowAsync(_dns.Name("v"));
        await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 2, Deadline, "v resolved");
        var revisionBefore = await _server.Store.GetRevisionAsync(CancellationToken.None);

        await _dns.SetRecordsAsync([("v", "203.0.113.20"), ("s", "203.0.113.40")]);
        var inGrace = await Eventually.Until(
            async () =>
            {
                await _server.ResolveAsync(name);
                return await _server.AddressesAsync(name);
            },
            a => a.Contains("203.0.113.21 InGrace"),
            Deadline,
            "203.0.113.21 entered its grace period");
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-grace", appliedRevision: revisionBefore, storeId: await _server.Store.GetStoreIdAsync(CancellationToken.None));
        _clock.Advance(TimeSpan.FromMinutes(59));
        await _server.ResolveAsync(name);
        var stillAllowed = await _server.DesiredPrefixesAsync();
        var revisionInGrace = await _server.Store.GetRevisionAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await _server.ResolveAsync(name);
        var after = await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 1, Deadline, "203.0.113.21 removed");
        var delta = (await gateway.NextAsync(Deadline)).Delta;

        Assert.Equal(["203.0.113.20 Live", "203.0.113.21 InGrace"], inGrace);
        Assert.Contains("203.0.113.21/32", stillAllowed);
        Assert.Equal(revisionBefore, revisionInGrace);
        Assert.Equal(["203.0.113.20 Live"], after);
        Assert.DoesNotContain("203.0.113.21/32", await _server.DesiredPrefixesAsync());
        Assert.Equal(revisionBefore + 1, await _server.Store.GetRevisionAsync(CancellationToken.None));
        Assert.Equal(revisionBefore + 1, delta.Revision);
        Assert.Equal("203.0.113.21/32", Assert.Single(delta.Remove).Prefix);
        Assert.Empty(delta.Add);
    }

    [Fact]
    public async Task Resolve_entry_publishes_a_dns_change_on_a_connected_stream_at_once()
    {
        var name = await _server.AllowAsync(_dns.Name("v"));
        await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 2, Deadline, "v resolved");
        var revision = await _server.Store.GetRevisionAsync(CancellationToken.None);
        await using var gateway = await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), "gw-now", appliedRevision: revision, storeId: await _server.Store.GetStoreIdAsync(CancellationToken.None));

        await _dns.SetRecordsAsync([("v", "203.0.113.20"), ("v", "203.0.113.21"), ("v", "203.0.113.22")]);
        var resolved = await Eventually.Until(() => _server.ResolveAsync(name), r => r.Added.Count > 0, Deadline, "ResolveEntry saw 203.0.113.22");
        var delta = (await gateway.NextAsync(Deadline)).Delta;
        output.WriteLine($"DNS record change (SIGHUP) to ResolveEntry answer and delta on the stream: {(DateTime.UtcNow - _dns.LastReloadUtc).TotalMilliseconds:0} ms");

        Assert.Equal(["203.0.113.22"], resolved.Added);
        Assert.True(resolved.RevisionChanged);
        Assert.Equal(revision + 1, resolved.Revision);
        Assert.Equal((revision + 1, "203.0.113.22/32"), (delta.Revision, Assert.Single(delta.Add).Prefix));
        var audit = await new OutputGuard.V1.AuditService.AuditServiceClient(_server.Channel(TestTokens.Viewer))
            .ListAuditEventsAsync(new OutputGuard.V1.ListAuditEventsRequest { Entry = name });
        var resolve = Assert.Single(audit.Events, e => e.Revision == revision + 1);
        Assert.Equal(("entry.resolve", "ops-editor"), (resolve.Action, resolve.Actor));
        Assert.Contains("203.0.113.22", resolve.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Servfail_and_timeout_remove_nothing_and_nxdomain_removes_after_the_grace_period()
    {
        var name = await _server.AllowAsync(_dns.Name("s"));
        await Eventually.Until(() => _server.AddressesAsync(name), a => a.Count == 1, Deadline, "s resolved");
        await _dns.SetRecordsAsync([("v", "203.0.113.20")]);
        await Eventually.Until(() => _dns.QueryAsync("s"), a => a.Count == 0, Deadline, "dnsmasq forgot s");

        _relay.Mode = DnsRelay.Behaviour.ServFail;
        _clock.Advance(TimeSpan.FromHours(2));
        var servfail = await _server.ResolveAsync(name);
        _relay.Mode = DnsRelay.Behaviour.Silent;
        var timeout = await _server.ResolveAsync(name);

        Assert.Empty(servfail.Removed);
        Assert.Contains("SERVFAIL", servfail.Entry.Resolution.LastError, StringComparison.Ordinal);
        Assert.Equal(["203.0.113.40"], servfail.Entry.ResolvedAddresses.Select(a => a.Address));
        Assert.Empty(timeout.Removed);
        Assert.Contains("timeout", timeout.Entry.Resolution.LastError, StringComparison.Ordinal);
        Assert.True(timeout.Entry.Resolution.ConsecutiveFailures >= 2);
        Assert.Equal(["203.0.113.40"], timeout.Entry.ResolvedAddresses.Select(a => a.Address));
        Assert.Contains("203.0.113.40/32", await _server.DesiredPrefixesAsync());

        _relay.Mode = DnsRelay.Behaviour.Forward;
        await _server.ResolveAsync(name);
        var entry = await Eventually.Until(() => _server.GetAsync(name), e => e.ResolvedAddresses.Count == 0, Deadline, "s removed after NXDOMAIN");
        Assert.Contains("NXDOMAIN", entry.Resolution.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("203.0.113.40/32", await _server.DesiredPrefixesAsync());
    }
}
