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
        // TTL 5 s + grace 10 s, programmed with the refresh slack: gone after 18.75 s.
        var later = book.Plan([rule], "api.example.com", [(IPAddress.Parse("198.51.100.99"), 5)], Now.AddSeconds(19));
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
        // TTL 30 s + grace 10 s, and a quarter of that as the refresh slack.
        Assert.All(plan.Elements, e => Assert.Equal(TimeSpan.FromSeconds(50), e.Timeout));
        Assert.Equal([(byte)6, (byte)6], plan.Elements.Select(e => e.Protocol));
        Assert.Equal([(ushort)443, (ushort)444], plan.Elements.Select(e => e.Port).Order());
    }

    [Fact]
    public void Answer_whose_element_is_held_for_ttl_and_grace_costs_no_kernel_batch()
    {
        var book = new LearnedAddressBook(Settings);
        var rule = new DomainRule(1, "api.example.com", []);
        var answer = new List<(IPAddress, int)> { (IPAddress.Parse("203.0.113.5"), 30) };
        book.Commit(book.Plan([rule], "api.example.com", answer, Now));

        // Programmed for 50 s: within the first 10 s the kernel still holds it for TTL + grace (40 s).
        var held = book.Plan([rule], "api.example.com", answer, Now.AddSeconds(9));
        Assert.Empty(held.Elements);
        var record = Assert.Single(held.Records);
        Assert.Equal(Now.AddSeconds(9), record.LastSeen);
        Assert.Equal(Now.AddSeconds(50), record.Expires);
        book.Commit(held);

        // Past the slack it is programmed again, for TTL + grace + slack from now.
        var refreshed = book.Plan([rule], "api.example.com", answer, Now.AddSeconds(11));
        var element = Assert.Single(refreshed.Elements);
        Assert.Equal(TimeSpan.FromSeconds(50), element.Timeout);
        Assert.Equal(Now.AddSeconds(61), Assert.Single(refreshed.Records).Expires);

        // A changed port rule is programmed at once.
        var ported = book.Plan([rule with { Ports = [new PortSpan(6, 443, 443)] }], "api.example.com", answer, Now.AddSeconds(1));
        Assert.Single(ported.Elements);
    }

    [Fact]
    public void Rule_wider_than_1024_ports_is_learned_as_aligned_blocks_and_its_edge_ports()
    {
        var record = new LearnedAddress(1, "a.example.com", IPAddress.Parse("203.0.113.5"), 1, Now, Now, Now.AddSeconds(5), [new PortSpan(6, 1000, 3000)]);
        var elements = LearnedAddressBook.Elements([record], Now);

        var ranges = elements.Where(e => e.IsRange).Select(e => (e.Port, e.LastPort)).Order().ToList();
        Assert.Equal(Enumerable.Range(4, 7).Select(b => ((ushort)(b * 256), (ushort)((b * 256) + 255))), ranges);
        var single = elements.Where(e => !e.IsRange).Select(e => (int)e.Port).Order().ToList();
        Assert.Equal([.. Enumerable.Range(1000, 24), .. Enumerable.Range(2816, 185)], single);
        Assert.All(elements, e => Assert.Equal((byte)6, e.Protocol));
    }

    [Fact]
    public void Wide_rules_of_two_entries_never_overlap_in_the_ranges_set()
    {
        var a = new LearnedAddress(1, "a.example.com", IPAddress.Parse("203.0.113.5"), 1, Now, Now, Now.AddSeconds(5), [new PortSpan(6, 1000, 3000)]);
        var b = a with { EntryId = 2, Ports = [new PortSpan(6, 2000, 9000)] };
        var ranges = LearnedAddressBook.Elements([a, b], Now).Where(e => e.IsRange).OrderBy(e => e.Port).ToList();
        Assert.All(ranges.Zip(ranges.Skip(1)), p => Assert.True(p.First.LastPort < p.Second.Port, $"{p.First.Port}-{p.First.LastPort} overlaps {p.Second.Port}-{p.Second.LastPort}"));
        Assert.Equal(1024, ranges.Min(r => r.Port));
        Assert.Equal(8959, ranges.Max(r => r.LastPort));
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
