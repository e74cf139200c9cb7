using System.Net;
using OutputGuard.Netlink.Routing;
using OutputGuard.Netlink.Tests.Support;

namespace OutputGuard.Netlink.Tests.Routing;

/// <summary>A fresh namespace with a veth pair (both ends up, in the namespace) and 10.88.0.1/24 and fd00:88::1/64 on one end.</summary>
public sealed class VethNamespace : IDisposable
{
    private readonly NetnsFixture _ns = new();

    public VethNamespace()
    {
        Rtnl = Rtnl.OpenIn(_ns.Name);
        Rtnl.VethAdd("va", "vb");
        A = Rtnl.LinkByName("va");
        B = Rtnl.LinkByName("vb");
        Rtnl.AddrAdd(new InterfaceAddress(A.Index, IPAddress.Parse("10.88.0.1"), 24));
        Tool.In(Name, "ip", "addr", "add", "fd00:88::1/64", "dev", "va", "nodad");
        Rtnl.LinkSetUp(A.Index);
        Rtnl.LinkSetUp(B.Index);
    }

    public string Name => _ns.Name;

    public Rtnl Rtnl { get; }

    public Link A { get; }

    public Link B { get; }

    public void Dispose()
    {
        Rtnl.Dispose();
        _ns.Dispose();
    }
}
