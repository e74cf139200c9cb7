using OutputGuard.ControlPlane.Tests.Infrastructure;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>The CNAME depth limit against a real dnsmasq: a chain longer than the limit is a failed lookup.</summary>
public sealed class CnameDepthTests : IAsyncLifetime
{
    private Dnsmasq _dns = null!;
    private ResolverServer _server = null!;

    public async Task InitializeAsync()
    {
        _dns = await Dnsmasq.StartAsync([("t", "203.0.113.31")], [("one", "t"), ("two", "one")]);
        _server = await ResolverServer.StartAsync([_dns.NameServer], configure: o => o.ResolverCnameDepth = 1);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task Cname_chain_longer_than_the_limit_is_reported_and_publishes_nothing()
    {
        var shortChain = await _server.AllowAsync(_dns.Name("one"));
        var longChain = await _server.AllowAsync(_dns.Name("two"));

        var ok = await Eventually.Until(() => _server.GetAsync(shortChain), e => e.ResolvedAddresses.Count == 1, TimeSpan.FromSeconds(10), "one resolved");
        var tooLong = await Eventually.Until(() => _server.GetAsync(longChain), e => e.Resolution?.LastAttemptTime is not null, TimeSpan.FromSeconds(10), "two looked up");

        Assert.Equal("203.0.113.31", ok.ResolvedAddresses[0].Address);
        Assert.Empty(tooLong.ResolvedAddresses);
        Assert.Contains("longer than 1", tooLong.Resolution.LastError, StringComparison.Ordinal);
    }
}
