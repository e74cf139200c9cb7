using System.Net.Sockets;
using OutputGuard.Netlink.Sockets;

namespace OutputGuard.Testing;

/// <summary>Creates sockets inside a named network namespace (the netlink library enters it on a dedicated thread).</summary>
public static class NamespaceSockets
{
    public static Socket Create(string netns, AddressFamily family, SocketType type, ProtocolType protocol) =>
        NetworkNamespace.Run(netns, () => new Socket(family, type, protocol));
}
