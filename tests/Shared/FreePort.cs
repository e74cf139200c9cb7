using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Testing;

/// <summary>Ports nobody listens on right now, picked by the kernel: tests never use fixed ports.</summary>
public static class FreePort
{
    /// <summary>A TCP port free on <paramref name="address"/> (loopback when null).</summary>
    public static int Tcp(IPAddress? address = null)
    {
        using var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>A UDP port free on <paramref name="address"/> (loopback when null).</summary>
    public static int Udp(IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        using var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
