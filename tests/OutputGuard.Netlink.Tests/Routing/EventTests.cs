using System.Net;
using OutputGuard.Addressing;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Routing;

/// <summary>Route and link subscriptions see changes made by other programs.</summary>
public sealed class EventTests : IDisposable
{
    private readonly VethNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task Route_deleted_with_ip_route_del_is_seen_by_a_subscriber()
    {
        Tool.In(_ns.Name, "ip", "route", "add", "198.51.100.0/24", "via", "10.88.0.2", "proto", "99");
        using var subscription = _ns.Rtnl.RouteSubscribe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        Tool.In(_ns.Name, "ip", "route", "del", "198.51.100.0/24");

        await foreach (var update in subscription.ReadAllAsync(timeout.Token))
        {
            if (update is { Kind: RtnlUpdateKind.Deleted, Route: { } route } && route.Destination == IpPrefix.Parse("198.51.100.0/24"))
            {
                Assert.Equal((IPAddress.Parse("10.88.0.2"), (byte)99), (route.Gateway, route.Protocol));
                return;
            }
        }

        Assert.Fail("no deletion event");
    }

    [Fact]
    public async Task Route_added_with_ip_is_seen_by_a_subscriber()
    {
        using var subscription = _ns.Rtnl.RouteSubscribe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        Tool.In(_ns.Name, "ip", "route", "add", "2001:db8:7::/64", "via", "fd00:88::2", "proto", "99");

        var update = await FirstAsync(subscription.ReadAllAsync(timeout.Token), u => u.Route?.Protocol == 99);
        Assert.Equal((RtnlUpdateKind.Added, IpPrefix.Parse("2001:db8:7::/64")), (update.Kind, update.Route!.Destination));
    }

    [Fact]
    public async Task Link_set_down_with_ip_is_seen_by_a_link_subscriber()
    {
        using var subscription = _ns.Rtnl.LinkSubscribe();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));

        Tool.In(_ns.Name, "ip", "link", "set", "vb", "down");

        var update = await FirstAsync(subscription.ReadAllAsync(timeout.Token), u => u.Link is { Name: "vb", IsUp: false });
        Assert.Equal(RtnlUpdateKind.Added, update.Kind);
    }

    private static async Task<T> FirstAsync<T>(IAsyncEnumerable<T> source, Func<T, bool> match)
    {
        await foreach (var item in source)
        {
            if (match(item))
            {
                return item;
            }
        }

        throw new InvalidOperationException("the stream ended");
    }
}
