using OutputGuard.Netlink.Nftables;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Tests.Routing;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Sockets;

/// <summary>A handle opened in a named namespace works there while the process stays where it is.</summary>
public sealed class NamespaceSocketTests
{
    [Fact]
    public void Handle_opened_in_a_namespace_sees_that_namespace_while_the_caller_stays_home()
    {
        using var ns = new NetnsFixture();
        var before = (File.ResolveLinkTarget("/proc/self/ns/net", false)!.ToString(), File.ResolveLinkTarget("/proc/thread-self/ns/net", false)!.ToString());

        using var rtnl = Rtnl.OpenIn(ns.Name);
        using var nft = NftConnection.OpenIn(ns.Name);
        var links = rtnl.LinkList();
        Tool.In(ns.Name, "nft", "add", "table", "ip", "marker");

        Assert.Equal(["lo"], links.Select(l => l.Name));
        Assert.Contains(nft.ListTables(), t => t.Name == "marker");
        Assert.Equal(before, (File.ResolveLinkTarget("/proc/self/ns/net", false)!.ToString(), File.ResolveLinkTarget("/proc/thread-self/ns/net", false)!.ToString()));
        using var home = NftConnection.Open();
        Assert.DoesNotContain(home.ListTables(), t => t.Name == "marker");
    }

    [Fact]
    public void Namespace_name_with_a_slash_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Rtnl.OpenIn("../etc"));
    }

    [Fact]
    public async Task Subscriber_that_falls_behind_is_told_events_were_lost()
    {
        using var ns = new VethNamespace();
        using var subscription = ns.Rtnl.RouteSubscribe();
        var script = Path.Combine(Path.GetTempPath(), $"og-nl-{Guid.NewGuid():N}.batch");
        File.WriteAllLines(script, Enumerable.Range(0, 40_000).Select(i => $"route add 10.{100 + (i >> 16)}.{(i >> 8) & 255}.{i & 255}/32 dev va"));
        try
        {
            Tool.In(ns.Name, "ip", "-batch", script); // while nobody reads the subscription
        }
        finally
        {
            File.Delete(script);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var lost = false;
        await foreach (var update in subscription.ReadAllAsync(timeout.Token))
        {
            if (update.Kind == RtnlUpdateKind.Lost)
            {
                lost = true;
                break;
            }
        }

        Assert.True(lost);
    }
}
