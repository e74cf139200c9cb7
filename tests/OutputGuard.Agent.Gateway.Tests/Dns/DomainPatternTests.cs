using OutputGuard.Agent.Gateway.Dns;

namespace OutputGuard.Agent.Gateway.Tests.Dns;

/// <summary>Kubernetes network-policy-api domainNames semantics.</summary>
public sealed class DomainPatternTests
{
    [Theory]
    [InlineData("*.example.com", "a.example.com", true)]
    [InlineData("*.example.com", "x.y.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "example.com.evil.test", false)]
    [InlineData("*.example.com", "aexample.com", false)]
    [InlineData("*.example.com", ".example.com", false)]
    [InlineData("api.example.com", "api.example.com", true)]
    [InlineData("api.example.com", "a.api.example.com", false)]
    public void Wildcard_matches_one_or_more_labels_and_never_the_domain_itself(string pattern, string name, bool matches) =>
        Assert.Equal(matches, DomainPattern.Matches(pattern, name));

    [Fact]
    public void Names_compare_in_lower_case_without_the_trailing_dot() =>
        Assert.True(DomainPattern.Matches("*.example.com", DomainPattern.Normalize("A.Example.COM.")));

    [Fact]
    public void Policy_finds_the_exact_rule_and_every_wildcard_over_a_name()
    {
        var policy = new DomainPolicy();
        policy.Replace([new DomainRule(1, "a.b.example.com", []), new DomainRule(2, "*.example.com", []), new DomainRule(3, "*.b.example.com", []), new DomainRule(4, "*.other.com", [])]);
        Assert.Equal([1L, 3, 2], policy.Match("a.b.example.com").Select(r => r.EntryId));
        Assert.Empty(policy.Match("example.com"));
        Assert.Empty(policy.Match("example.com.evil.test"));
        Assert.Equal([2L], policy.Match("z.example.com").Select(r => r.EntryId));
    }

    [Fact]
    public void Malformed_rules_from_the_wire_are_refused_with_a_reason()
    {
        var message = new V1.DomainRules();
        message.Rules.Add(new V1.DomainRule { EntryId = 1, Pattern = "a.*.example.com" });
        message.Rules.Add(new V1.DomainRule { EntryId = 2, Pattern = "ok.example.com", Ports = { new V1.PortRange { Protocol = V1.L4Protocol.Tcp, PortFrom = 443, PortTo = 80 } } });
        message.Rules.Add(new V1.DomainRule { EntryId = 3, Pattern = "*.example.com", Ports = { new V1.PortRange { Protocol = V1.L4Protocol.Tcp, PortFrom = 443, PortTo = 443 } } });
        var (rules, refused) = DomainPolicy.FromProto(message);
        Assert.Equal([3L], rules.Select(r => r.EntryId));
        Assert.Equal(2, refused.Count);
        Assert.Contains("entries/1", refused[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Addresses_other_gateways_learned_are_taken_only_for_known_entries()
    {
        var policy = new DomainPolicy();
        policy.Replace([new DomainRule(1, "*.example.com", [new PortSpan(6, 443, 443)])]);
        var sync = new DnsSync(policy);
        IReadOnlyList<LearnedAddress>? taken = null;
        sync.PeerLearned += r => taken = r;
        var now = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow);
        var message = new V1.LearnedAddresses();
        message.Addresses.Add(new V1.LearnedAddress { EntryId = 1, Name = "a.example.com", Address = "203.0.113.5", TtlSeconds = 5, FirstSeen = now, LastSeen = now, ExpireTime = now, GatewayId = "gw-b" });
        message.Addresses.Add(new V1.LearnedAddress { EntryId = 2, Name = "a.other.com", Address = "203.0.113.6", TtlSeconds = 5, FirstSeen = now, LastSeen = now, ExpireTime = now });
        message.Addresses.Add(new V1.LearnedAddress { EntryId = 1, Name = "b.example.com", Address = "garbage", TtlSeconds = 5, FirstSeen = now, LastSeen = now, ExpireTime = now });
        sync.OnPeerLearned(message);
        var record = Assert.Single(taken!);
        Assert.Equal(("203.0.113.5", 443), (record.Address.ToString(), (int)record.Ports[0].From));
    }
}
