using System.Net;
using OutputGuard.Netlink.Routing;

namespace OutputGuard.Netlink.Tests.Support;

/// <summary>Two fresh namespaces joined by a veth pair: client 10.77.0.1/24, server 10.77.0.2/24.</summary>
public sealed class VethPair : IDisposable
{
    public VethPair()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        using (var client = Rtnl.OpenIn(Client.Name))
        {
            client.VethAdd("c" + suffix, "s" + suffix, Server.Name);
            var c = client.LinkByName("c" + suffix);
            client.AddrAdd(new InterfaceAddress(c.Index, ClientAddress, 24));
            client.LinkSetUp(c.Index);
        }

        using var server = Rtnl.OpenIn(Server.Name);
        ServerLink = server.LinkByName("s" + suffix);
        server.AddrAdd(new InterfaceAddress(ServerLink.Index, ServerAddress, 24));
        server.LinkSetUp(ServerLink.Index);
    }

    public static IPAddress ClientAddress { get; } = IPAddress.Parse("10.77.0.1");

    public static IPAddress ServerAddress { get; } = IPAddress.Parse("10.77.0.2");

    public NetnsFixture Client { get; } = new();

    public NetnsFixture Server { get; } = new();

    public Link ServerLink { get; }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }
}
