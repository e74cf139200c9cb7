using Google.Protobuf.WellKnownTypes;
using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Learning;

/// <summary>Domain rules to gateways that run a DNS proxy, and what their proxies learned: stored, shown, passed on.</summary>
public sealed class LearnedAddressSyncTests : IAsyncLifetime
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
    public async Task Gateway_with_a_proxy_gets_the_domain_rules_and_again_when_they_change()
    {
        await using var gateway = await Proxy("gw-dns-rules");
        var first = await Next(gateway, m => m.KindCase == ControlMessage.KindOneofCase.DomainRules);
        Assert.Empty(first.DomainRules.Rules);

        await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "*.example.com", Ports = { "tcp/443" } } });
        var second = await Next(gateway, m => m.KindCase == ControlMessage.KindOneofCase.DomainRules);
        var rule = Assert.Single(second.DomainRules.Rules);
        Assert.Equal("*.example.com", rule.Pattern);
        Assert.Equal((L4Protocol.Tcp, 443u, 443u), (rule.Ports[0].Protocol, rule.Ports[0].PortFrom, rule.Ports[0].PortTo));
    }

    [Fact]
    public async Task Learned_addresses_are_stored_under_their_entry_and_passed_to_the_other_gateways()
    {
        var entry = await _entries.CreateEntryAsync(new CreateEntryRequest { Entry = new Entry { Value = "*.example.com" } });
        await using var learner = await Proxy("gw-dns-a");
        await using var other = await Proxy("gw-dns-b");
        await Next(other, m => m.KindCase == ControlMessage.KindOneofCase.DomainRules && m.DomainRules.Rules.Count == 1);
        var id = long.Parse(entry.Name["entries/".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var now = DateTimeOffset.UtcNow;
        var report = new LearnedAddresses();
        report.Addresses.Add(new LearnedAddress
        {
            EntryId = id,
            Name = "a.example.com",
            Address = "203.0.113.5",
            TtlSeconds = 30,
            FirstSeen = Timestamp.FromDateTimeOffset(now),
            LastSeen = Timestamp.FromDateTimeOffset(now),
            ExpireTime = Timestamp.FromDateTimeOffset(now.AddSeconds(90)),
        });
        report.Addresses.Add(new LearnedAddress { EntryId = id, Name = "b.example.com", Address = "not an address", TtlSeconds = 30 });
        await learner.SendAsync(new GatewayMessage { Learned = report });

        var passed = await Next(other, m => m.KindCase == ControlMessage.KindOneofCase.Learned);
        var address = Assert.Single(passed.Learned.Addresses);
        Assert.Equal(("203.0.113.5", "gw-dns-a", "a.example.com"), (address.Address, address.GatewayId, address.Name));

        var shown = await _entries.GetEntryAsync(new GetEntryRequest { Name = entry.Name });
        var learned = Assert.Single(shown.LearnedAddresses);
        Assert.Equal(("203.0.113.5", "gw-dns-a", 30), (learned.Address, learned.GatewayId, learned.TtlSeconds));
        Assert.Equal(now.AddSeconds(90).ToUnixTimeMilliseconds(), learned.ExpireTime.ToDateTimeOffset().ToUnixTimeMilliseconds());
    }

    private async Task<SyncClient> Proxy(string gatewayId) =>
        await SyncClient.ConnectAsync(_server.Channel(TestTokens.Gateway), new Hello { GatewayId = gatewayId, Hostname = "test-host", Version = "test", WantsDomainRules = true });

    private static async Task<ControlMessage> Next(SyncClient gateway, Func<ControlMessage, bool> wanted)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var message = await gateway.NextAsync(TimeSpan.FromSeconds(20));
            if (wanted(message))
            {
                return message;
            }

            deadline.Token.ThrowIfCancellationRequested();
        }
    }
}
