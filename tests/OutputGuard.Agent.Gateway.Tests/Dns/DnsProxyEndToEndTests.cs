using System.Net;
using ARSoft.Tools.Net.Dns;
using Grpc.Core;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using OutputGuard.Testing;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>The real agent's DNS proxy, a real dnsmasq upstream, the real control plane, clients in a namespace.</summary>
public sealed class DnsProxyEndToEndTests : DnsLab
{
    private static readonly IPAddress EvilHost = IPAddress.Parse("198.51.100.21");
    private static readonly IPAddress InternalAnswer = IPAddress.Parse("10.10.0.77");
    private static readonly IPAddress WidePorts = IPAddress.Parse("198.51.100.23");
    private static readonly IPAddress[] Big = [.. Enumerable.Range(100, 40).Select(i => IPAddress.Parse($"203.0.113.{i}"))];

    protected override bool Redirect => true;

    protected override IEnumerable<(IPAddress Address, string Name)> Records =>
    [
        (Lab.Allowed, "a.lab.test"),
        (Lab.Allowed6, "a.lab.test"),
        (Lab.Unlisted, "a.wild.test"),
        (Lab.PortRestricted, "x.y.wild.test"),
        (Lab.NetHost, "wild.test"),
        (EvilHost, "wild.test.evil.test"),
        (InternalAnswer, "inside.wild.test"),
        (WidePorts, "x.wide.lab.test"),
        .. Big.Select(b => (b, "big.lab.test")),
    ];

    [Fact]
    public async Task Answer_to_an_allowed_name_is_in_the_allow_sets_before_the_client_gets_it()
    {
        var server = Lab.Serve(Lab.Allowed, 80);
        var server6 = Lab.Serve(Lab.Allowed6, 80);
        await ControlPlane.AllowAsync("a.lab.test", "tcp/80");
        await RulesReceivedAsync(1);

        var answer = await DnsProbe.QueryAsync(Lab.Client, Proxy4, "a.lab.test");
        Assert.Equal([Lab.Allowed], DnsProbe.Addresses(answer));
        Assert.True(Learned(Lab.Allowed), "learned before the answer");
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, server.Endpoint));

        var answer6 = await DnsProbe.QueryAsync(Lab.Client, Proxy6, "a.lab.test", DnsProbe.Aaaa);
        Assert.Equal([Lab.Allowed6], DnsProbe.Addresses(answer6));
        Assert.True(Learned(Lab.Allowed6), "learned (IPv6) before the answer");
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, server6.Endpoint));
    }

    [Fact]
    public async Task Wildcard_allows_names_under_it_once_resolved_and_nothing_else()
    {
        AddInternetAddress(EvilHost);
        var under = Lab.Serve(Lab.Unlisted, 80);
        var deeper = Lab.Serve(Lab.PortRestricted, 80);
        var apex = Lab.Serve(Lab.NetHost, 80);
        var evil = Lab.Serve(EvilHost, 80);
        await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, under.Endpoint), "nothing is allowed before a client resolves");

        foreach (var name in new[] { "a.wild.test", "x.y.wild.test", "wild.test", "wild.test.evil.test", "inside.wild.test" })
        {
            Assert.NotEmpty(DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, name)));
        }

        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, under.Endpoint), "a.wild.test");
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, deeper.Endpoint), "x.y.wild.test");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, apex.Endpoint), "wild.test itself");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, evil.Endpoint), "wild.test.evil.test");
        Assert.False(Learned(InternalAnswer), "an internal answer is never learned");
        Assert.False(Learned(Lab.NetHost));
    }

    [Theory]
    [InlineData("*.com", "'com'")]
    [InlineData("*.co.uk", "'co.uk'")]
    [InlineData("*.github.io", "'github.io'")]
    public async Task Wildcard_over_a_public_suffix_is_refused_at_creation_naming_the_suffix(string value, string suffix)
    {
        var e = await Assert.ThrowsAsync<RpcException>(() => ControlPlane.AllowAsync(value));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("public suffix " + suffix, e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dns_sent_to_a_public_resolver_is_redirected_to_the_proxy()
    {
        await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);

        // Nothing listens on 203.0.113.53: only the redirect to the proxy can answer.
        var answer = await DnsProbe.QueryAsync(Lab.Client, new IPEndPoint(IPAddress.Parse("203.0.113.53"), 53), "a.wild.test");
        Assert.Equal([Lab.Unlisted], DnsProbe.Addresses(answer));
        Assert.True(Learned(Lab.Unlisted), "the proxy learned what it answered");
        var tcp = await DnsProbe.QueryAsync(Lab.Client, new IPEndPoint(IPAddress.Parse("203.0.113.53"), 53), "x.y.wild.test", tcp: true);
        Assert.Equal([Lab.PortRestricted], DnsProbe.Addresses(tcp));
    }

    [Fact]
    public async Task Proxy_refuses_queries_from_outside_the_client_ranges_and_listens_only_on_the_client_side()
    {
        await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        Tool.In(Lab.Internet, "ip", "route", "add", "10.10.0.1/32", "via", Lab.GatewayOutside.ToString());

        var refused = await DnsProbe.QueryAsync(Lab.Internet, Proxy4, "a.wild.test");
        Assert.NotNull(refused);
        Assert.Equal(ReturnCode.Refused, refused.ReturnCode);
        Assert.Empty(refused.AnswerRecords);
        Assert.False(Learned(Lab.Unlisted));
        Assert.Null(await DnsProbe.QueryAsync(Lab.Internet, new IPEndPoint(Lab.GatewayOutside, 53), "a.wild.test", timeout: TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Tcp_queries_and_truncated_udp_answers_work_and_every_address_is_learned()
    {
        await ControlPlane.AllowAsync("big.lab.test");
        await RulesReceivedAsync(1);

        var udp = await DnsProbe.QueryAsync(Lab.Client, Proxy4, "big.lab.test", edns: false);
        Assert.NotNull(udp);
        Assert.True(udp.IsTruncated, "40 A records do not fit 512 bytes");

        var tcp = await DnsProbe.QueryAsync(Lab.Client, Proxy4, "big.lab.test", tcp: true);
        Assert.Equal(Big.OrderBy(a => a.ToString()), DnsProbe.Addresses(tcp).OrderBy(a => a.ToString()));
        var learned = LearnedSets();
        Assert.All(Big, b => Assert.Contains($"\"{b}\"", learned, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Learned_address_of_a_rule_wider_than_1024_ports_allows_ports_inside_the_range_and_refuses_others()
    {
        AddInternetAddress(WidePorts);
        var block = Lab.Serve(WidePorts, 2500); // inside a whole 256-port block (2304-2559): a range element
        var edge = Lab.Serve(WidePorts, 1010); // below the first whole block (1024): a single-port element
        var last = Lab.Serve(WidePorts, 3000); // the range's last port, past the last whole block (2816-3071 is not whole)
        var above = Lab.Serve(WidePorts, 3001);
        var below = Lab.Serve(WidePorts, 999);
        // A wildcard: the control plane resolves no wildcard itself, so only what the proxy learned can allow it.
        await ControlPlane.AllowAsync("*.wide.lab.test", "tcp/1000-3000", "udp/2000-9000");
        await RulesReceivedAsync(1);
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, block.Endpoint), "nothing before the client resolves");

        Assert.Equal([WidePorts], DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "x.wide.lab.test")));
        var sets = Tool.In(Lab.Gateway, "nft", "list", "set", "inet", "outputguard", "learnedranges4");
        Assert.Contains("198.51.100.23 . tcp . 2304-2559", sets, StringComparison.Ordinal);
        Assert.Contains("198.51.100.23 . udp . 8704-8959", sets, StringComparison.Ordinal);
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, block.Endpoint), "tcp/2500, inside the range");
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, edge.Endpoint), "tcp/1010, inside the range");
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, last.Endpoint), "tcp/3000, the range's last port");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, above.Endpoint), "tcp/3001, outside the range");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, below.Endpoint), "tcp/999, outside the range");

        // The ranges age out as the single elements do (TTL 1 s + grace 2 s + the refresh slack).
        await Eventually.True(() => !Learned(WidePorts), TimeSpan.FromSeconds(20), "the learned ranges aged out");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, block.Endpoint), "tcp/2500 after TTL + grace");
    }

    [Fact]
    public async Task Learned_addresses_age_out_after_ttl_and_grace()
    {
        var under = Lab.Serve(Lab.Unlisted, 80);
        await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        Assert.NotEmpty(DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "a.wild.test")));
        Assert.True(Learned(Lab.Unlisted));
        Assert.True(await HttpProbe.CanConnectAsync(Lab.Client, under.Endpoint));

        // TTL 1 s + grace 2 s: the kernel lets it go on its own.
        await Eventually.True(() => !Learned(Lab.Unlisted), TimeSpan.FromSeconds(20), "the learned address aged out");
        Assert.False(await HttpProbe.CanConnectAsync(Lab.Client, under.Endpoint));
    }

    [Fact]
    public async Task Learned_addresses_appear_under_their_entry_in_the_api()
    {
        var entry = await ControlPlane.AllowAsync("*.wild.test");
        await RulesReceivedAsync(1);
        Assert.NotEmpty(DnsProbe.Addresses(await DnsProbe.QueryAsync(Lab.Client, Proxy4, "x.y.wild.test")));

        var shown = await Eventually.Until(
            async () => await ControlPlane.Entries.GetEntryAsync(new V1.GetEntryRequest { Name = entry.Name }),
            e => e.LearnedAddresses.Count > 0,
            TimeSpan.FromSeconds(20),
            "the learned address is shown under its entry");
        var learned = Assert.Single(shown.LearnedAddresses);
        Assert.Equal(Lab.PortRestricted.ToString(), learned.Address);
        Assert.Equal("x.y.wild.test", learned.Name);
        Assert.Equal(Lab.Gateway, learned.GatewayId);
        Assert.Equal(1, learned.TtlSeconds);
        Assert.True(learned.ExpireTime.ToDateTimeOffset() > learned.LastSeen.ToDateTimeOffset());
        Assert.True(learned.FirstSeen.ToDateTimeOffset() <= learned.LastSeen.ToDateTimeOffset());

        var listed = await ControlPlane.Entries.ListEntriesAsync(new V1.ListEntriesRequest());
        Assert.Contains(listed.Entries.Single(e => e.Name == entry.Name).LearnedAddresses, l => l.Address == Lab.PortRestricted.ToString());
    }
}
