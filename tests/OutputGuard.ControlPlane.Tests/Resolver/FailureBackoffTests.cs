using OutputGuard.ControlPlane.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>
/// What failing domains cost the resolver: each is retried after the TTL floor, then after twice as long each time,
/// up to the re-resolve interval (jittered down by at most a tenth), so the lookups one failing domain costs in a
/// window are bounded by the settings. Counted at the name server: a real dnsmasq answers REFUSED (the names are not
/// its domain's), seen through the test's relay in front of it; the real control plane with the real clock.
/// </summary>
public sealed class FailureBackoffTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int FloorSeconds = 1;
    private const int IntervalSeconds = 8;
    private const int Domains = 20;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(12);
    private Dnsmasq _dns = null!;
    private DnsRelay _relay = null!;
    private ResolverServer _server = null!;

    public async Task InitializeAsync()
    {
        _dns = await Dnsmasq.StartAsync([("v", "203.0.113.20")]);
        _relay = new DnsRelay(_dns.Endpoint);
        _server = await ResolverServer.StartAsync([_relay.NameServer], configure: o =>
        {
            o.ResolverTtlFloorSeconds = FloorSeconds;
            o.ResolverIntervalSeconds = IntervalSeconds;
        });
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _relay.DisposeAsync();
        await _dns.DisposeAsync();
    }

    [Fact]
    public async Task Failing_domains_are_retried_with_doubling_delays_and_no_more_often_than_the_settings_allow()
    {
        var names = Enumerable.Range(0, Domains).Select(i => $"down-{i}.refused-{Guid.NewGuid():N}.test").ToList();
        foreach (var name in names)
        {
            await _server.AllowAsync(name);
        }

        // Until every domain has been asked once more after the window (the first retry beyond it).
        await Eventually.True(
            () => names.All(n => Lookups(n) is { Count: > 0 } l && l[^1] - l[0] > Window),
            TimeSpan.FromSeconds(45),
            () => $"every domain looked up again after {Window.TotalSeconds:0} s; so far {string.Join(", ", names.Select(n => Lookups(n).Count))}");
        await Eventually.True(() => _server.Resolver.Stats.Failing == Domains, TimeSpan.FromSeconds(5), "the failing gauge counting every domain");

        var bound = MostLookupsIn(Window);
        var perDomain = names.Select(n => Lookups(n).Count(t => t - Lookups(n)[0] <= Window)).ToList();
        var gaps = names.Select(n => Lookups(n).Zip(Lookups(n).Skip(1), (a, b) => (b - a).TotalSeconds).ToList()).ToList();
        output.WriteLine($"lookups per domain in {Window.TotalSeconds:0} s: {string.Join(", ", perDomain)} (bound {bound}, a retry at every floor would be {Window.TotalSeconds / FloorSeconds:0})");
        output.WriteLine($"gaps of the first domain: {string.Join(", ", gaps[0].Select(g => g.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)))} s");

        Assert.All(perDomain, count => Assert.InRange(count, 3, bound));
        Assert.All(gaps, g =>
        {
            // The k-th retry waits floor x 2^(k-1), at most the interval, jittered down by a tenth at most; it may start
            // a little late (the round it was due in), never early.
            for (var i = 0; i < g.Count; i++)
            {
                var delay = Math.Min(FloorSeconds * Math.Pow(2, i), IntervalSeconds);
                Assert.True(g[i] >= (0.9 * delay) - 0.05 && g[i] <= delay + 1.5, $"retry {i + 1} came {g[i]:0.00} s after the lookup before it, not {0.9 * delay:0.0}-{delay:0.0} s");
            }
        });
    }

    /// <summary>
    /// The most lookups of one failing domain in <paramref name="window"/> from its first: retries as early as the
    /// jitter allows (0.9 of floor x 2^k, at most the interval).
    /// </summary>
    private static int MostLookupsIn(TimeSpan window)
    {
        var count = 1;
        var at = 0.0;
        for (var failures = 1; ; failures++)
        {
            at += 0.9 * Math.Min(FloorSeconds * Math.Pow(2, failures - 1), IntervalSeconds);
            if (at > window.TotalSeconds)
            {
                return count;
            }

            count++;
        }
    }

    /// <summary>When the name server was asked for <paramref name="name"/>'s A record (one per lookup; a retry within 0.6 s is the same lookup).</summary>
    private List<TimeSpan> Lookups(string name)
    {
        var times = new List<TimeSpan>();
        foreach (var (seen, type, at) in _relay.Seen)
        {
            if (type == 1 && seen == name && (times.Count == 0 || at - times[^1] > TimeSpan.FromSeconds(0.6)))
            {
                times.Add(at);
            }
        }

        return times;
    }
}
