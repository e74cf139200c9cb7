using System.Net;
using OutputGuard.Agent.Gateway.Dns;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

public sealed class LearnedAddressBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DnsProxySettings Settings = new() { Grace = TimeSpan.FromSeconds(10), WildcardCap = 3, NameCap = 2 };

    [Fact]
    public void Wildcard_cap_drops_and_counts_what_it_cannot_hold()
    {
        var book = new LearnedAddressBook(Settings);
        var rule = new DomainRule(7, "*.example.com", []);
        var plan = book.Plan([rule], "a.example.com", Answers(5, ttl: 60), Now);
        Assert.Equal(3, plan.New);
        Assert.Equal(2, plan.Dropped);
        book.Commit(plan);
        Assert.Equal(3, book.Count);

        // Known addresses are refreshed, never dropped; new ones still are.
        var again = book.Plan([rule], "b.example.com", Answers(5, ttl: 60), Now.AddSeconds(1));
        Assert.Equal(0, again.New);
        Assert.Equal(2, again.Dropped);
    }

    [Fact]
    public void Exact_name_has_its_own_cap()
    {
        var book = new LearnedAddressBook(Settings);
        var plan = book.Plan([new DomainRule(1, "api.example.com", [])], "api.example.com", Answers(3, ttl: 60), Now);
        Assert.Equal(2, plan.New);
        Assert.Equal(1, plan.Dropped);
    }

    [Fact]
    public void Expired_records_free_their_place_under_the_cap()
    {
        var book = new LearnedAddressBook(Settings);
        var rule = new DomainRule(1, "api.example.com", []);
        book.Commit(book.Plan([rule], "api.example.com", Answers(2, ttl: 5), Now));
        var later = book.Plan([rule], "api.example.com", [(IPAddress.Parse("198.51.100.99"), 5)], Now.AddSeconds(16));
        Assert.Equal(1, later.New);
        Assert.Equal(0, later.Dropped);
    }

    [Fact]
    public void Elements_live_ttl_plus_grace_and_carry_the_entry_ports()
    {
        var book = new LearnedAddressBook(Settings);
        var rule = new DomainRule(1, "api.example.com", [new PortSpan(6, 443, 444)]);
        var plan = book.Plan([rule], "api.example.com", [(IPAddress.Parse("203.0.113.5"), 30)], Now);
        Assert.Equal(2, plan.Elements.Count);
        Assert.All(plan.Elements, e => Assert.Equal(TimeSpan.FromSeconds(40), e.Timeout));
        Assert.Equal([(byte)6, (byte)6], plan.Elements.Select(e => e.Protocol));
        Assert.Equal([(ushort)443, (ushort)444], plan.Elements.Select(e => e.Port).Order());
    }

    [Fact]
    public void Same_element_of_two_entries_keeps_the_longer_lifetime()
    {
        var a = new LearnedAddress(1, "a.example.com", IPAddress.Parse("203.0.113.5"), 1, Now, Now, Now.AddSeconds(5), []);
        var b = a with { EntryId = 2, Expires = Now.AddSeconds(50) };
        var element = Assert.Single(LearnedAddressBook.Elements([a, b], Now));
        Assert.Equal(TimeSpan.FromSeconds(50), element.Timeout);
    }

    private static List<(IPAddress, int)> Answers(int count, int ttl) =>
        [.. Enumerable.Range(1, count).Select(i => (IPAddress.Parse($"203.0.113.{i}"), ttl))];
}
