using System.Net;
using System.Net.Sockets;

namespace OutputGuard.Configuration.Startup;

/// <summary>Checks before start that a listener's address can be bound, so that a port in use stops the start before anything else happens.</summary>
public static class ListenerCheck
{
    /// <summary>Binds and releases <paramref name="endpoint"/>; throws <see cref="StartupException"/> naming <paramref name="key"/> when it cannot.</summary>
    public static void EnsureFree(string key, IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.Port == 0)
        {
            return;
        }

        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // As Kestrel does on Linux: connections in TIME_WAIT do not block the port, a listener does.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
        }
        catch (SocketException e)
        {
            var cause = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "address already in use (another process listens there; stop it or pick another port)",
                SocketError.AddressNotAvailable => "address not available on this host (give one of its addresses, or 0.0.0.0)",
                SocketError.AccessDenied => "permission denied (ports below 1024 need CAP_NET_BIND_SERVICE)",
                _ => e.Message,
            };
            throw new StartupException($"{key} {Format(endpoint)}", cause, e);
        }
    }

    private static string Format(IPEndPoint endpoint) => endpoint.AddressFamily == AddressFamily.InterNetworkV6
        ? FormattableString.Invariant($"[{endpoint.Address}]:{endpoint.Port}")
        : FormattableString.Invariant($"{endpoint.Address}:{endpoint.Port}");
}
