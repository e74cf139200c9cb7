using OutputGuard.Agent.Gateway.Sync;
using OutputGuard.Agent.Gateway.Tests.Infrastructure;
using static OutputGuard.Agent.Gateway.Tests.Infrastructure.Destinations;
using WireDestination = OutputGuard.V1.Destination;

namespace OutputGuard.Agent.Gateway.Tests.Sync;

[Trait(Tier.Name, Tier.Fast)]
public sealed class SnapshotPartsTests
{
    private static WireDestination W(string prefix, OutputGuard.V1.L4Protocol protocol = OutputGuard.V1.L4Protocol.Any, uint from = 0, uint to = 0) =>
        new() { Prefix = prefix, Protocol = protocol, PortFrom = from, PortTo = to };

    [Fact]
    public void Parts_become_one_list_of_their_accepted_destinations_with_the_refused_set_aside()
    {
        var parts = new SnapshotParts(9);
        parts.Add([W("203.0.113.1/32"), W("2001:db8::1/128"), W("203.0.113.01/32")]);
        parts.Add([W("198.51.100.0/24"), W("203.0.113.1/32", OutputGuard.V1.L4Protocol.Tcp, 443, 443), W("203.0.113.1/32"), W("203.0.113.2/32", OutputGuard.V1.L4Protocol.Tcp, 9, 1)]);

        var list = parts.ToAllowList("store");

        Assert.Equal((9L, "store"), (list.Revision, list.StoreId));
        Assert.Equal(new[] { "203.0.113.1/32", "2001:db8::1/128", "198.51.100.0/24", "203.0.113.1/32 6 443 443" }.Select(D).ToHashSet(), list.All.ToHashSet());
        Assert.Equal(["203.0.113.01/32", "203.0.113.2/32"], parts.Refused.Select(r => r.Destination.Prefix));
        Assert.Equal(7, parts.Count);
        Assert.Equal(4, parts.AcceptedCount);
    }
}
