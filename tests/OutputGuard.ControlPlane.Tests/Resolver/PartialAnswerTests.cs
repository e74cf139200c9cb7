using OutputGuard.ControlPlane.Tests.Infrastructure;
using OutputGuard.ControlPlane.Tests.Store;
using OutputGuard.V1;

namespace OutputGuard.ControlPlane.Tests.Resolver;

/// <summary>
/// A and AAAA are looked up on their own at every name server: an answer of one type is published even when the
/// other type fails (REFUSED from a dnsmasq with no upstream, SERVFAIL or silence from the test's own responder);
/// the failed type is partial — none of its addresses ages out — and the entry says so and why.
/// </summary>
public sealed class PartialAnswerTests : IAsyncLifetime
{
    private const int A = 1;
    private const int Aaaa = 28;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [Fact]
    public async Task Dnsmasq_that_refuses_aaaa_still_gets_its_a_records_published()
    {
        var dns = Own(await Dnsmasq.StartAsync([("p", "203.0.113.60")], authoritative: false));
        var server = Own(await ResolverServer.StartAsync([dns.NameServer]));

        var name = await server.AllowAsync(dns.Name("p"));
        var addresses = await Eventually.Until(() => server.AddressesAsync(name), a => a.Count > 0, Deadline, "p resolved");
        var resolution = (await server.GetAsync(name)).Resolution;

        Assert.Equal(["203.0.113.60 Live"], addresses);
        Assert.Contains("203.0.113.60/32", await server.DesiredPrefixesAsync());
        Assert.Equal(["AAAA"], resolution.PartialTypes);
        var aaaa = Assert.Single(resolution.Answers, a => a.RecordType == "AAAA");
        Assert.Equal(RecordTypeOutcome.Failed, aaaa.Outcome);
        Assert.Contains("REFUSED", aaaa.Error, StringComparison.Ordinal);
        var a = Assert.Single(resolution.Answers, x => x.RecordType == "A");
        Assert.Equal((RecordTypeOutcome.Answered, 1, dns.NameServer), (a.Outcome, a.AddressCount, a.NameServer));
        Assert.Equal(0, resolution.ConsecutiveFailures);
        Assert.Contains("AAAA", resolution.LastError, StringComparison.Ordinal);
        Assert.Contains("partial", resolution.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Aaaa, DnsRelay.Behaviour.ServFail, "203.0.113.61", "SERVFAIL")]
    [InlineData(Aaaa, DnsRelay.Behaviour.Silent, "203.0.113.61", "timeout")]
    [InlineData(A, DnsRelay.Behaviour.ServFail, "2001:db8::61", "SERVFAIL")]
    [InlineData(A, DnsRelay.Behaviour.Silent, "2001:db8::61", "timeout")]
    public async Task Type_that_fails_leaves_the_other_types_answer_published(int failing, DnsRelay.Behaviour behaviour, string published, string reason)
    {
        var dns = Own(await Dnsmasq.StartAsync([("p", "203.0.113.61"), ("p", "2001:db8::61")]));
        var relay = Own(new DnsRelay(dns.Endpoint));
        relay.ModeByType[failing] = behaviour;
        var server = Own(await ResolverServer.StartAsync([relay.NameServer]));
        var failedType = failing == A ? "A" : "AAAA";

        var name = await server.AllowAsync(dns.Name("p"));
        var addresses = await Eventually.Until(() => server.AddressesAsync(name), a => a.Count > 0, Deadline, "p resolved");
        var resolution = (await server.GetAsync(name)).Resolution;

        Assert.Equal([$"{published} Live"], addresses);
        Assert.Equal([failedType], resolution.PartialTypes);
        var failed = Assert.Single(resolution.Answers, x => x.RecordType == failedType);
        Assert.Equal(RecordTypeOutcome.Failed, failed.Outcome);
        Assert.Contains(reason, failed.Error, StringComparison.Ordinal);
        Assert.Contains(reason, resolution.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Addresses_of_the_partial_type_never_age_out_while_the_complete_type_ages_as_usual()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var dns = Own(await Dnsmasq.StartAsync([("v", "203.0.113.62"), ("v", "203.0.113.63"), ("v", "2001:db8::62")]));
        var relay = Own(new DnsRelay(dns.Endpoint));
        var server = Own(await ResolverServer.StartAsync([relay.NameServer], clock, o => o.ResolverGracePeriodSeconds = 3600));
        var name = await server.AllowAsync(dns.Name("v"));
        await Eventually.Until(() => server.AddressesAsync(name), a => a.Count == 3, Deadline, "v resolved");

        relay.ModeByType[Aaaa] = DnsRelay.Behaviour.ServFail;
        await dns.SetRecordsAsync([("v", "203.0.113.62")]);
        var vanished = await Eventually.Until(
            async () =>
            {
                await server.ResolveAsync(name);
                return await server.AddressesAsync(name);
            },
            a => a.Contains("203.0.113.63 InGrace"),
            Deadline,
            "203.0.113.63 entered its grace period");
        clock.Advance(TimeSpan.FromHours(2));
        var aged = await server.ResolveAsync(name);
        var afterGrace = await server.AddressesAsync(name);
        var desired = await server.DesiredPrefixesAsync();

        Assert.Equal(["2001:db8::62 Live", "203.0.113.62 Live", "203.0.113.63 InGrace"], vanished);
        Assert.Equal(["203.0.113.63"], aged.Removed);
        Assert.Equal(["2001:db8::62 Live", "203.0.113.62 Live"], afterGrace);
        Assert.Contains("2001:db8::62/128", desired);
        Assert.DoesNotContain("203.0.113.63/32", desired);
        Assert.Equal(["AAAA"], aged.Entry.Resolution.PartialTypes);

        // Once AAAA answers again without it, the address was last seen more than a grace period ago: it leaves.
        relay.ModeByType.Clear();
        var complete = await server.ResolveAsync(name);

        Assert.Equal(["2001:db8::62"], complete.Removed);
        Assert.Empty(complete.Entry.Resolution.PartialTypes);
    }

    [Fact]
    public async Task Type_is_partial_when_one_name_server_fails_it_and_another_answers_it()
    {
        var dns = Own(await Dnsmasq.StartAsync([("m", "203.0.113.64"), ("m", "2001:db8::64")]));
        var failing = Own(new DnsRelay(dns.Endpoint));
        failing.ModeByType[Aaaa] = DnsRelay.Behaviour.ServFail;
        var answering = Own(new DnsRelay(dns.Endpoint));
        var server = Own(await ResolverServer.StartAsync([failing.NameServer, answering.NameServer]));

        var name = await server.AllowAsync(dns.Name("m"));
        var addresses = await Eventually.Until(() => server.AddressesAsync(name), a => a.Count == 2, Deadline, "m resolved");
        var resolution = (await server.GetAsync(name)).Resolution;

        Assert.Equal(["2001:db8::64 Live", "203.0.113.64 Live"], addresses);
        Assert.Equal(["AAAA"], resolution.PartialTypes);
        Assert.Equal(4, resolution.Answers.Count);
        Assert.Equal(
            new[] { $"{answering.NameServer} A Answered", $"{answering.NameServer} AAAA Answered", $"{failing.NameServer} A Answered", $"{failing.NameServer} AAAA Failed" }
                .Order(StringComparer.Ordinal),
            resolution.Answers.Select(x => $"{x.NameServer} {x.RecordType} {x.Outcome}").Order(StringComparer.Ordinal));
    }

    private T Own<T>(T resource)
        where T : IAsyncDisposable
    {
        _owned.Add(resource);
        return resource;
    }
}
